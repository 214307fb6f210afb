/**
 * The errors the API throws. Every one is a {@link DynwasmError} with a stable `code`, so that
 * a caller can tell a bad argument from a bad image without parsing messages; the message is
 * one line, meant for people.
 */

/** What went wrong, as a stable string. */
export type DynwasmErrorCode =
  /** An argument is missing, of the wrong type or out of range (a RAM size, an address…). */
  | 'ERR_BAD_ARGUMENT'
  /** A kernel, dtb, initrd or program image cannot be loaded (truncated, not ARM, does not fit…). */
  | 'ERR_BAD_IMAGE'
  /** Guest memory is not RAM at that address (unmapped, a device, past the end of RAM). */
  | 'ERR_MEMORY_ACCESS'
  /** The call does not fit the machine's state (for example reset() while run() is running). */
  | 'ERR_STATE';

/** The base class of every error the dynwasm API throws on purpose. */
export class DynwasmError extends Error {
  /**
   * @param code what went wrong, as a stable string
   * @param message one line saying what went wrong, for people
   */
  constructor(readonly code: DynwasmErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad argument (`code` is `ERR_BAD_ARGUMENT`). */
export class ArgumentError extends DynwasmError {
  /** @param message what is wrong with which argument */
  constructor(message: string) { super('ERR_BAD_ARGUMENT', message); }
}

/** An image that cannot be loaded (`code` is `ERR_BAD_IMAGE`). */
export class ImageError extends DynwasmError {
  /** @param message which image, and what is wrong with it */
  constructor(message: string) { super('ERR_BAD_IMAGE', message); }
}

/** A guest memory access that found no RAM (`code` is `ERR_MEMORY_ACCESS`). */
export class MemoryAccessError extends DynwasmError {
  /**
   * @param address the first guest address that is not RAM
   * @param message what was accessed, and why it failed
   */
  constructor(readonly address: number, message: string) { super('ERR_MEMORY_ACCESS', message); }
}

/** A call that does not fit the machine's state (`code` is `ERR_STATE`). */
export class StateError extends DynwasmError {
  /** @param message what the machine is doing, and what the call needs */
  constructor(message: string) { super('ERR_STATE', message); }
}
