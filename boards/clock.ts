/**
 * The machine's virtual clock (QEMU's QEMU_CLOCK_VIRTUAL without -icount): host time in
 * nanoseconds since the machine was created, stopped while the machine is paused, and set to
 * the saved value when a saved machine is restored, so that its timers go on where they were.
 */

/** A clock in nanoseconds. */
export type Clock = () => number;

/** The host's monotonic clock, in nanoseconds. */
export const hostClock: Clock = () => performance.now() * 1e6;

export class VirtualClock {
  private offset: number;
  /** The value it holds while stopped; undefined while it runs. */
  private frozen: number | undefined;

  constructor(private readonly host: Clock = hostClock) {
    this.offset = -host();
  }

  /** Nanoseconds of machine time (bound: pass it as a Clock). */
  readonly now: Clock = () => this.frozen ?? this.host() + this.offset;

  get running(): boolean { return this.frozen === undefined; }

  /** Stop the clock (the machine is paused). */
  stop(): void { this.frozen ??= this.now(); }

  /** Start it again from where it stopped. */
  start(): void {
    if (this.frozen === undefined) return;
    this.offset = this.frozen - this.host();
    this.frozen = undefined;
  }

  /** Make it read `ns` now (a restored machine), running or stopped as before. */
  set(ns: number): void {
    if (this.frozen !== undefined) this.frozen = ns;
    else this.offset = ns - this.host();
  }
}
