/**
 * What a machine offers a CPU beyond RAM: the physical address space's devices. Generic: the
 * exec loop's slow path sends an access here when the TLB entry of its page says "device".
 */
export interface Bus {
  /** Device read; undefined means nothing answers there (the CPU takes its bus fault). */
  read(addr: number, bytes: number): number | undefined;
  /** Device write; false means nothing answers there. */
  write(addr: number, bytes: number, value: number): boolean;
}
