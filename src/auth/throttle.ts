/**
 * Sign-in throttling (ASVS 6.3) that cannot be turned against the user it
 * protects. Recent *failures* are counted, in memory, three ways:
 *
 * - per login and address pair: after a few failures that pair has to wait
 *   between attempts (short waits, doubling up to a cap). Whoever guesses from
 *   one place is held back there; the real user elsewhere is not.
 * - per address (any login): an address that fails for many logins is refused
 *   for a while. Each pair's own waits keep one person's typos from filling it.
 * - per login alone: nothing is refused. Every attempt at a login that has
 *   failed often lately is answered more slowly (a bounded delay before the
 *   password is checked), which slows guessing spread over many addresses, but a
 *   correct password from an address without failures still signs in.
 *
 * Only failures count, so a city office where everyone signs in from one
 * address at 9 o'clock is never refused; a city user sees current lockouts on
 * the users page and can clear them.
 */
export interface ThrottlePolicy {
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Failures of one login from one address before that pair has to wait between attempts. */
  pairFreeFailures: number;
  /** The first wait; it doubles with each further failure … */
  pairBaseWaitMs: number;
  /** … up to this cap. */
  pairMaxWaitMs: number;
  /** Failures from one address (any login) in the window before it is refused. */
  addressMaxFailures: number;
  /** After this many failures of a login (from anywhere), every attempt at it is slowed … */
  loginSlowAfterFailures: number;
  /** … by this much per further failure, up to loginSlowMaxMs. */
  loginSlowStepMs: number;
  loginSlowMaxMs: number;
  /** Bounds memory when someone tries thousands of made-up logins. */
  maxTrackedKeys: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  pairFreeFailures: 5,
  pairBaseWaitMs: 30_000,
  pairMaxWaitMs: 5 * 60_000,
  addressMaxFailures: 30,
  loginSlowAfterFailures: 3,
  loginSlowStepMs: 400,
  loginSlowMaxMs: 2_000,
  maxTrackedKeys: 10_000,
};

export type ThrottleDecision =
  | { allowed: true; /** Hold the attempt back this long before checking the password. */ delayMs: number }
  | { allowed: false; retryAfterMs: number; reason: 'pair' | 'address' };

/** A refusal in force now, as the users page lists it. */
export interface Lockout {
  kind: 'pair' | 'address';
  /** The login as counted (see loginKey); null for an address. */
  login: string | null;
  address: string;
  failures: number;
  /** When it ends by itself (ms since the epoch). */
  until: number;
}

/** A login whose attempts are slowed down now (nobody is refused for it). */
export interface SlowedLogin {
  login: string;
  failures: number;
  delayMs: number;
}

/** 「約3分後」: a wait in whole minutes (at least one), as people read it. */
export function waitText(ms: number): string {
  return `約${Math.max(1, Math.ceil(ms / 60_000))}分後`;
}

/** Holds an attempt back for the time the throttle asked for. */
export const holdBack = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Logins are compared as people type them: ignoring case, width and surrounding spaces. */
export function loginKey(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase();
}

// Logins and addresses never contain a newline (loginKey trims, addresses are IPs).
const pairKey = (login: string, address: string) => `${loginKey(login)}\n${address}`;

/** Per pair, per address and per login counters of recent sign-in failures. */
export class SignInThrottle {
  private readonly byPair = new Map<string, number[]>();
  private readonly byAddress = new Map<string, number[]>();
  private readonly byLogin = new Map<string, number[]>();

  constructor(
    /** The limits; tests may shorten them, as they may move the clock. */
    public policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    /** The clock; tests replace it to move time forward. */
    public now: () => number = Date.now,
  ) {}

  /** Whether an attempt for this login from this address may be checked now, and after how long a delay. */
  check(login: string, address: string): ThrottleDecision {
    const now = this.now();
    const address$ = this.addressRefusal(address, now);
    if (address$) return { allowed: false, reason: 'address', retryAfterMs: address$.until - now };
    const pair = this.pairRefusal(pairKey(login, address), now);
    if (pair) return { allowed: false, reason: 'pair', retryAfterMs: pair.until - now };
    return { allowed: true, delayMs: this.loginDelayMs(this.recent(this.byLogin, loginKey(login), now).length) };
  }

  /** Counts a failed attempt against the pair, the address and the login. */
  recordFailure(login: string, address: string): void {
    const now = this.now();
    this.push(this.byPair, pairKey(login, address), now);
    this.push(this.byAddress, address, now);
    this.push(this.byLogin, loginKey(login), now);
  }

  /** A successful sign-in forgets that login's failures, from that address and overall (the address keeps its count). */
  recordSuccess(login: string, address: string): void {
    this.byPair.delete(pairKey(login, address));
    this.byLogin.delete(loginKey(login));
  }

  /** The refusals in force now: pairs that must wait, and refused addresses. */
  lockouts(): Lockout[] {
    const now = this.now();
    const out: Lockout[] = [];
    for (const key of [...this.byAddress.keys()]) {
      const refusal = this.addressRefusal(key, now);
      if (refusal) out.push({ kind: 'address', login: null, address: key, ...refusal });
    }
    for (const key of [...this.byPair.keys()]) {
      const refusal = this.pairRefusal(key, now);
      if (!refusal) continue;
      const cut = key.indexOf('\n');
      out.push({ kind: 'pair', login: key.slice(0, cut), address: key.slice(cut + 1), ...refusal });
    }
    return out.sort((a, b) => b.until - a.until);
  }

  /** Logins whose attempts are slowed now. */
  slowedLogins(): SlowedLogin[] {
    const now = this.now();
    const out: SlowedLogin[] = [];
    for (const key of [...this.byLogin.keys()]) {
      const failures = this.recent(this.byLogin, key, now).length;
      const delayMs = this.loginDelayMs(failures);
      if (delayMs > 0) out.push({ login: key, failures, delayMs });
    }
    return out.sort((a, b) => b.failures - a.failures);
  }

  /** Forgets the failures of one login from one address. Returns whether there were any. */
  clearPair(login: string, address: string): boolean {
    return this.byPair.delete(pairKey(login, address));
  }

  /** Forgets the failures from one address (for every login tried from it). */
  clearAddress(address: string): boolean {
    let found = this.byAddress.delete(address);
    for (const key of [...this.byPair.keys()]) if (key.endsWith(`\n${address}`)) found = this.byPair.delete(key) || found;
    return found;
  }

  /** Forgets the failures of one login, from everywhere. */
  clearLogin(login: string): boolean {
    let found = this.byLogin.delete(loginKey(login));
    for (const key of [...this.byPair.keys()]) if (key.startsWith(`${loginKey(login)}\n`)) found = this.byPair.delete(key) || found;
    return found;
  }

  /** Forgets everything. */
  reset(): void {
    this.byPair.clear();
    this.byAddress.clear();
    this.byLogin.clear();
  }

  private addressRefusal(address: string, now: number): { failures: number; until: number } | null {
    const { policy } = this;
    const failures = this.recent(this.byAddress, address, now);
    if (failures.length < policy.addressMaxFailures) return null;
    // The oldest failure that still counts: the address is free once it leaves the window.
    const oldest = failures.at(-policy.addressMaxFailures) ?? now;
    return { failures: failures.length, until: oldest + policy.windowMs };
  }

  private pairRefusal(key: string, now: number): { failures: number; until: number } | null {
    const failures = this.recent(this.byPair, key, now);
    const wait = this.pairWaitMs(failures.length);
    const last = failures.at(-1);
    const until = wait > 0 && last !== undefined ? last + wait : 0;
    return now < until ? { failures: failures.length, until } : null;
  }

  /** The wait of a pair after n failures: nothing before the free ones, then doubling up to the cap. */
  private pairWaitMs(failures: number): number {
    const { policy } = this;
    if (failures < policy.pairFreeFailures) return 0;
    const doublings = Math.min(failures - policy.pairFreeFailures, 20);
    return Math.min(policy.pairBaseWaitMs * 2 ** doublings, policy.pairMaxWaitMs);
  }

  /** The delay of every attempt at a login after n recent failures of it (from anywhere). */
  private loginDelayMs(failures: number): number {
    const beyond = failures - this.policy.loginSlowAfterFailures;
    return beyond > 0 ? Math.min(beyond * this.policy.loginSlowStepMs, this.policy.loginSlowMaxMs) : 0;
  }

  private recent(map: Map<string, number[]>, key: string, now: number): number[] {
    const list = map.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > now - this.policy.windowMs);
    if (kept.length === 0) map.delete(key);
    else if (kept.length !== list.length) map.set(key, kept);
    return kept;
  }

  private push(map: Map<string, number[]>, key: string, now: number): number {
    const list = this.recent(map, key, now);
    list.push(now);
    // Re-inserting keeps the Map in least-recently-failed order, so the oldest key goes first.
    map.delete(key);
    map.set(key, list.slice(-100));
    while (map.size > this.policy.maxTrackedKeys) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    return list.length;
  }
}
