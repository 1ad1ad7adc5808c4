/**
 * The Lua scripts behind {@link RedisRateLimiter}, their argument encoding, and the EVALSHA-with-EVAL
 * fallback that runs them.
 *
 * Why Lua: refill-and-take must be one atomic step, or two processes read the same token count and both
 * take it. Why `redis.call('TIME')`: every process measures elapsed time on the one Redis server clock, so
 * processes (or machines) whose clocks disagree still agree on how full a bucket is and when a pause
 * ends. No client timestamp is ever sent to Redis.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NormalizedRateLimit } from './types.js';

/**
 * Refill-and-take over all the limits of one exchange, for a FIFO batch of requests.
 *
 * KEYS: `[pauseKey, limitKey1, …, limitKeyN]`.
 * ARGV: `n`, `edgeMs`, then per limit `kind ('b'|'w'), ratePerMs, burst, perRequest (1|0), ttlMs,
 * windowMs, offsetMs`, then `m`, then `m` costs.
 *
 * Requests are granted in order, each from every limit or from none, stopping at the first that does not
 * fit. Reply: `[granted, waitMs, paused, w1, u1, x1, c1, …]`: how many of the batch were granted; when
 * one was refused, the ms until it could be (or until the pause ends, then `paused = 1`); then per limit,
 * for fixed windows, the window index, the count before the batch, the others' count seen, and 1 when the
 * batch was also counted in the next window (0s for buckets). The batch shares one server instant, so it is
 * carried whole or not at all.
 *
 * A bucket is a hash `{ t: tokens, at: server ms of the last take }`; a missing key is a full bucket, so a
 * key may expire once it would have refilled anyway (its PEXPIRE). A fixed window is a hash
 * `{ w: window index, u: granted, x: counted by the server beyond our grants, n: carried into w + 1 }`,
 * windows aligned to the Redis server's clock; a grant within `edgeMs` (at most a tenth of the window) of
 * the window's end is also counted in the next window (see `fixed-window.ts`, the same rules in-process).
 */
export const TAKE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local pauseUntil = tonumber(redis.call('GET', KEYS[1]))
if pauseUntil and pauseUntil > now then
  return {0, math.ceil(pauseUntil - now), 1}
end
local n = tonumber(ARGV[1])
local edge = tonumber(ARGV[2])
local kind, tokens, rate, burst, perReq, ttl = {}, {}, {}, {}, {}, {}
local win, used, others, carry, wend, ubefore, wedge, carried = {}, {}, {}, {}, {}, {}, {}, {}
for i = 1, n do
  local b = 2 + (i - 1) * 7
  kind[i] = ARGV[b + 1]
  rate[i] = tonumber(ARGV[b + 2])
  burst[i] = tonumber(ARGV[b + 3])
  perReq[i] = ARGV[b + 4] == '1'
  ttl[i] = ARGV[b + 5]
  if kind[i] == 'w' then
    local wms, off = tonumber(ARGV[b + 6]), tonumber(ARGV[b + 7])
    local cw = math.floor((now - off) / wms)
    local h = redis.call('HMGET', KEYS[i + 1], 'w', 'u', 'x', 'n')
    local w, u, x, c = tonumber(h[1]), tonumber(h[2]) or 0, tonumber(h[3]) or 0, tonumber(h[4]) or 0
    if w == nil or cw > w then
      if w ~= nil and cw == w + 1 then u = c else u = 0 end
      x, c, w = 0, 0, cw
    end
    win[i], used[i], others[i], carry[i] = w, u, x, c
    ubefore[i] = u
    wend[i] = (w + 1) * wms + off
    wedge[i] = math.min(edge, wms * 0.1)
    tokens[i] = burst[i] - u - x
  else
    local h = redis.call('HMGET', KEYS[i + 1], 't', 'at')
    local tok, at = tonumber(h[1]), tonumber(h[2])
    if tok == nil or at == nil then
      tok = burst[i]
    elseif now > at then
      tok = math.min(burst[i], tok + (now - at) * rate[i])
    else
      tok = math.min(burst[i], tok)
    end
    tokens[i] = tok
  end
end
local base = 3 + n * 7
local m = tonumber(ARGV[base])
local granted, wait = 0, 0
for j = 1, m do
  local cost = tonumber(ARGV[base + j])
  for i = 1, n do
    local take = perReq[i] and 1 or cost
    if tokens[i] < take then
      local w
      if kind[i] == 'w' then w = math.max(1, wend[i] - now) else w = (take - tokens[i]) / rate[i] end
      if w > wait then wait = w end
    end
  end
  if wait > 0 then break end
  for i = 1, n do
    local take = perReq[i] and 1 or cost
    tokens[i] = tokens[i] - take
    if kind[i] == 'w' then
      used[i] = used[i] + take
      if now + wedge[i] >= wend[i] then
        carry[i] = carry[i] + take
        carried[i] = 1
      end
    end
  end
  granted = j
end
local reply = {granted, math.ceil(wait), 0}
for i = 1, n do
  if granted > 0 then
    if kind[i] == 'w' then
      redis.call('HSET', KEYS[i + 1], 'w', tostring(win[i]), 'u', tostring(used[i]), 'x', tostring(others[i]), 'n', tostring(carry[i]))
    else
      redis.call('HSET', KEYS[i + 1], 't', tostring(tokens[i]), 'at', tostring(now))
    end
    redis.call('PEXPIRE', KEYS[i + 1], ttl[i])
  end
  if kind[i] == 'w' then
    table.insert(reply, win[i])
    table.insert(reply, ubefore[i])
    table.insert(reply, others[i])
    table.insert(reply, carried[i] or 0)
  else
    table.insert(reply, 0)
    table.insert(reply, 0)
    table.insert(reply, 0)
    table.insert(reply, 0)
  end
end
return reply
`;

/**
 * What one response says about one fixed window: when the window the request was granted in is still the
 * current one, a reported usage raises `others` to `reported - after` (when higher), and what the request
 * carried into the next window is given back (it was counted in this one).
 *
 * KEYS: `[limitKey]`. ARGV: `window, after, reported (-1: none), windowMs, offsetMs, carried`. Reply: the
 * others' count in force, or -1 when the report is about an earlier window.
 */
export const OBSERVE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local h = redis.call('HMGET', KEYS[1], 'w', 'x', 'n')
local w, x, c = tonumber(h[1]), tonumber(h[2]) or 0, tonumber(h[3]) or 0
local gw = tonumber(ARGV[1])
local cw = math.floor((now - tonumber(ARGV[5])) / tonumber(ARGV[4]))
if w == nil or w ~= gw or cw ~= gw then return -1 end
local carried = tonumber(ARGV[6])
if carried > 0 then
  redis.call('HSET', KEYS[1], 'n', tostring(math.max(0, c - carried)))
end
local reported = tonumber(ARGV[3])
if reported >= 0 then
  local beyond = reported - tonumber(ARGV[2])
  if beyond > x then
    redis.call('HSET', KEYS[1], 'x', tostring(beyond))
    return math.floor(beyond)
  end
end
return math.floor(x)
`;

/**
 * Stores a pause for one exchange, in server time, unless a longer one is already in force; announces a
 * new or longer pause on the pub/sub channel as `"<ms> <exchange>"`.
 *
 * KEYS: `[pauseKey]`. ARGV: `ms, channel, exchange`. Reply: ms until the pause in force ends.
 */
export const PAUSE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local ms = tonumber(ARGV[1])
local untilMs = now + ms
local cur = tonumber(redis.call('GET', KEYS[1]))
if cur == nil or untilMs > cur then
  redis.call('SET', KEYS[1], string.format('%.3f', untilMs), 'PX', math.ceil(ms) + 1)
  redis.call('PUBLISH', ARGV[2], math.ceil(ms) .. ' ' .. ARGV[3])
  return math.ceil(ms)
end
return math.ceil(cur - now)
`;

/** Where a granted batch stands in one fixed window (zeros for a bucket). */
export type WindowReply = {
  /** The window index. */
  window: number;
  /** The window's count before the batch. */
  before: number;
  /** What the server was seen to count beyond our grants. */
  others: number;
  /** Whether the batch was also counted in the next window. */
  carried: boolean;
};

/** The reply of {@link TAKE_SCRIPT}. */
export type TakeReply = {
  /** How many requests of the batch (a prefix, in order) were granted. */
  granted: number;
  /** When a request was refused: ms until it could be granted (or until the pause ends). */
  waitMs: number;
  /** Whether the refusal is a pause in force. */
  paused: boolean;
  /** Per limit, in order (empty when paused). */
  windows: WindowReply[];
};

/** ARGV of {@link TAKE_SCRIPT} for `limits` and a FIFO batch of `costs`. */
export function encodeTakeArgs(
  limits: readonly NormalizedRateLimit[],
  costs: readonly number[],
  ttlMs: readonly number[],
  edgeMs = 0,
): string[] {
  const args = [String(limits.length), String(Math.max(0, Math.ceil(edgeMs)))];
  limits.forEach((l, i) => {
    args.push(
      l.kind === 'fixed-window' ? 'w' : 'b',
      String(l.ratePerMs),
      String(l.burst),
      l.counts === 'requests' ? '1' : '0',
      String(ttlMs[i]),
      String(l.intervalMs),
      String(l.offsetMs),
    );
  });
  args.push(String(costs.length), ...costs.map(String));
  return args;
}

/** Reads the reply of {@link TAKE_SCRIPT}; a malformed one is an error (a script and client mismatch). */
export function parseTakeReply(reply: unknown): TakeReply {
  if (
    !Array.isArray(reply) ||
    reply.length < 3 ||
    (reply.length - 3) % 4 !== 0 ||
    !reply.every((x) => typeof x === 'number')
  ) {
    throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  const [granted, waitMs, paused] = reply as [number, number, number];
  const windows: WindowReply[] = [];
  for (let i = 3; i < reply.length; i += 4) {
    windows.push({
      window: reply[i] as number,
      before: reply[i + 1] as number,
      others: reply[i + 2] as number,
      carried: reply[i + 3] === 1,
    });
  }
  return { granted, waitMs, paused: paused === 1, windows };
}

/** A Lua script with its SHA1, run by {@link evalScript}. */
export type LuaScript = { readonly source: string; readonly sha: string };

/** Wraps script source with its SHA1 for EVALSHA. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs `script` with EVALSHA, falling back to EVAL (which also loads it) when the server does not know
 * it yet (`NOSCRIPT`, e.g. after a restart). Does not touch the client's own command table, so it is safe
 * on an ioredis instance the caller owns.
 */
export async function evalScript(
  client: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return await client.eval(script.source, keys.length, ...keys, ...args);
  }
}
