/**
 * Memory-mapped devices as the board's bus sees them: a device answers accesses at an offset
 * inside its region. Sub-word accesses reach the device with their exact offset and size; the
 * bus truncates what a read returns to the access size (as QEMU's memory core does).
 */
export interface MmioDevice {
  readonly name: string;
  read(offset: number, bytes: number): number;
  write(offset: number, bytes: number, value: number): void;
}
