/**
 * Sign-in throttling (ASVS 6.3): counts recent *failures* per login and per
 * address, in memory. Only failures count, so a city office where everyone
 * signs in from one address at 9 o'clock is never refused; and every wait is
 * short and ends by itself, so nobody can lock a real user out for long.
 */
export interface ThrottlePolicy {
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Failures of one login before it has to wait between attempts. */
  loginFreeFailures: number;
  /** The first wait; it doubles with each further failure … */
  loginBaseWaitMs: number;
  /** … up to this cap. */
  loginMaxWaitMs: number;
  /** Failures from one address (any login) in the window before it is refused. */
  addressMaxFailures: number;
  /** After this many failures of a login, failed answers are slowed … */
  slowAfterFailures: number;
  /** … by this much per further failure, up to slowMaxMs. */
  slowStepMs: number;
  slowMaxMs: number;
  /** Bounds memory when someone tries thousands of made-up logins. */
  maxTrackedKeys: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  loginFreeFailures: 5,
  loginBaseWaitMs: 30_000,
  loginMaxWaitMs: 5 * 60_000,
  addressMaxFailures: 30,
  slowAfterFailures: 3,
  slowStepMs: 400,
  slowMaxMs: 2_000,
  maxTrackedKeys: 10_000,
};

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number; reason: 'login' | 'address' };

/** 「約3分後」: a wait in whole minutes (at least one), as people read it. */
export function waitText(ms: number): string {
  return `約${Math.max(1, Math.ceil(ms / 60_000))}分後`;
}

/** Holds a failed answer back for the time `recordFailure` asked for. */
export const holdBack = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Logins are compared as people type them: ignoring case, width and surrounding spaces. */
export function loginKey(login: string): string {
  return login.normalize('NFKC').trim().toLowerCase();
}

/** Per-login and per-address counters of recent sign-in failures. */
export class SignInThrottle {
  private readonly byLogin = new Map<string, number[]>();
  private readonly byAddress = new Map<string, number[]>();

  constructor(
    readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    /** The clock; tests replace it to move time forward. */
    public now: () => number = Date.now,
  ) {}

  /** Whether an attempt for this login from this address may be checked now. */
  check(login: string, address: string): ThrottleDecision {
    const now = this.now();
    const { policy } = this;
    const fromAddress = this.recent(this.byAddress, address, now);
    if (fromAddress.length >= policy.addressMaxFailures) {
      const oldestCounted = fromAddress[fromAddress.length - policy.addressMaxFailures];
      return { allowed: false, reason: 'address', retryAfterMs: oldestCounted + policy.windowMs - now };
    }
    const ofLogin = this.recent(this.byLogin, loginKey(login), now);
    if (ofLogin.length >= policy.loginFreeFailures) {
      const wait = this.loginWaitMs(ofLogin.length);
      const last = ofLogin[ofLogin.length - 1];
      if (now < last + wait) return { allowed: false, reason: 'login', retryAfterMs: last + wait - now };
    }
    return { allowed: true };
  }

  /** Counts a failed attempt; returns how long to hold the answer back (slowing guessers down). */
  recordFailure(login: string, address: string): number {
    const now = this.now();
    const ofLogin = this.push(this.byLogin, loginKey(login), now);
    this.push(this.byAddress, address, now);
    const beyond = ofLogin - this.policy.slowAfterFailures;
    return beyond > 0 ? Math.min(beyond * this.policy.slowStepMs, this.policy.slowMaxMs) : 0;
  }

  /** A successful sign-in forgets that login's failures (the address keeps its count). */
  recordSuccess(login: string): void {
    this.byLogin.delete(loginKey(login));
  }

  /** Forgets everything (e.g. after an administrator has checked what happened). */
  reset(): void {
    this.byLogin.clear();
    this.byAddress.clear();
  }

  /** The wait after n failures: nothing before the free ones, then doubling up to the cap. */
  private loginWaitMs(failures: number): number {
    const { policy } = this;
    if (failures < policy.loginFreeFailures) return 0;
    const doublings = Math.min(failures - policy.loginFreeFailures, 20);
    return Math.min(policy.loginBaseWaitMs * 2 ** doublings, policy.loginMaxWaitMs);
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
