import { GatewayError } from '../errors.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  openMs: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops hammering an upstream that keeps failing. Closed: calls pass. After `failureThreshold` consecutive
 * failures it opens and every call fails fast with 503 and Retry-After. After `openMs` one probe passes
 * (half-open); its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly opts: CircuitBreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.failures < this.opts.failureThreshold) return 'closed';
    return this.now() - this.openedAt >= this.opts.openMs ? 'half-open' : 'open';
  }

  /**
   * Throws when no call may pass now; otherwise the caller must report the outcome with success() or failure(). Gives
   * whether this call is the probe of a half-open circuit: only then does abandon() apply to it.
   */
  admit(): boolean {
    const state = this.state;
    if (state === 'closed') return false;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    const waitMs = Math.max(0, this.opts.openMs - (this.now() - this.openedAt));
    throw new GatewayError('GW_ERR_CIRCUIT_OPEN', 'VirusTotal is failing; the gateway is not calling it for a moment', {
      'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
    });
  }

  /** The probe never reached VirusTotal (its budget was spent, its caller left, no connection came free): another may. */
  abandon(): void {
    this.probing = false;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.failures >= this.opts.failureThreshold) this.openedAt = this.now();
  }
}
