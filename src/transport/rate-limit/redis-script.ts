/**
 * The two Lua scripts behind {@link RedisRateLimiter}, their argument encoding, and the EVALSHA-with-EVAL
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
 * KEYS: `[pauseKey, bucketKey1, …, bucketKeyN]`.
 * ARGV: `n`, then per limit `ratePerMs, burst, perRequest (1|0), ttlMs`, then `m`, then `m` costs.
 *
 * Requests are granted in order, each from every limit or from none, stopping at the first that does not
 * fit. Reply: `[granted, waitMs, paused]`: how many of the batch were granted; when one was refused, the
 * ms until the bucket holds enough for it (or until the pause ends, then `paused = 1`).
 * A bucket is a hash `{ t: tokens, at: server ms of the last take }`; a missing key is a full bucket, so a
 * key may expire once it would have refilled anyway (its PEXPIRE).
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
local tokens, rate, burst, perReq, ttl = {}, {}, {}, {}, {}
for i = 1, n do
  local b = 1 + (i - 1) * 4
  rate[i] = tonumber(ARGV[b + 1])
  burst[i] = tonumber(ARGV[b + 2])
  perReq[i] = ARGV[b + 3] == '1'
  ttl[i] = ARGV[b + 4]
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
local base = 2 + n * 4
local m = tonumber(ARGV[base])
local granted, wait = 0, 0
for j = 1, m do
  local cost = tonumber(ARGV[base + j])
  for i = 1, n do
    local take = perReq[i] and 1 or cost
    if tokens[i] < take then
      local w = (take - tokens[i]) / rate[i]
      if w > wait then wait = w end
    end
  end
  if wait > 0 then break end
  for i = 1, n do
    tokens[i] = tokens[i] - (perReq[i] and 1 or cost)
  end
  granted = j
end
if granted > 0 then
  for i = 1, n do
    redis.call('HSET', KEYS[i + 1], 't', tostring(tokens[i]), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[i + 1], ttl[i])
  end
end
return {granted, math.ceil(wait), 0}
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

/** The reply of {@link TAKE_SCRIPT}. */
export type TakeReply = {
  /** How many requests of the batch (a prefix, in order) were granted. */
  granted: number;
  /** When a request was refused: ms until it could be granted (or until the pause ends). */
  waitMs: number;
  /** Whether the refusal is a pause in force. */
  paused: boolean;
};

/** ARGV of {@link TAKE_SCRIPT} for `limits` and a FIFO batch of `costs`. */
export function encodeTakeArgs(
  limits: readonly NormalizedRateLimit[],
  costs: readonly number[],
  ttlMs: readonly number[],
): string[] {
  const args = [String(limits.length)];
  limits.forEach((l, i) => {
    args.push(String(l.ratePerMs), String(l.burst), l.counts === 'requests' ? '1' : '0', String(ttlMs[i]));
  });
  args.push(String(costs.length), ...costs.map(String));
  return args;
}

/** Reads the reply of {@link TAKE_SCRIPT}; a malformed one is an error (a script and client mismatch). */
export function parseTakeReply(reply: unknown): TakeReply {
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((x) => typeof x === 'number')) {
    throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  const [granted, waitMs, paused] = reply as [number, number, number];
  return { granted, waitMs, paused: paused === 1 };
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
