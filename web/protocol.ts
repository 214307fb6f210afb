/** The messages between the page (web/main.ts) and the emulator's worker (web/worker.ts). */

/** What to boot: the images and the options dynwasm-system-arm's -kernel, -dtb, -initrd, -append, -accel, -semihosting give. */
export interface BootRequest {
  kernel: Uint8Array;
  kernelName: string;
  dtb?: Uint8Array;
  dtbName?: string;
  initrd?: Uint8Array;
  initrdName?: string;
  append?: string;
  engine: 'jit' | 'interp';
  semihosting: boolean;
}

export type ToWorker =
  | { type: 'boot'; boot: BootRequest }
  | { type: 'input'; data: Uint8Array }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'reset' };

/** Counters of the running machine (runtime/stats.ts) and the rate over the last period. */
export interface WorkerStats {
  icount: number;
  blocksRun: number;
  tbsTranslated: number;
  modules: number;
  /** Guest instructions per microsecond of wall time since the previous report. */
  mips: number;
}

export type RunState = 'running' | 'paused' | 'waiting' | 'halted';

export type FromWorker =
  | { type: 'ready' }
  | { type: 'output'; data: Uint8Array }
  /**
   * `message`: why the machine stopped, if not by the guest's exit (a bad image, say: one line).
   * `runMs` (halted by the guest): the run loop's time since the machine started, in ms of the
   * worker's performance.now() (npm run bench's browser column).
   */
  | { type: 'state'; state: RunState; exitCode?: number; message?: string; runMs?: number }
  | { type: 'stats'; stats: WorkerStats };
