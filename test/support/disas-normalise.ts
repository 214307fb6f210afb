/**
 * Normalises GNU objdump disassembly text and ours to a common form, so that a test compares
 * meaning, not presentation: comments (`@ …`, `; …`) and symbols (`<start>`) dropped, width
 * qualifiers (`.n`, `.w`) dropped, every hex number in the operands turned to decimal (branch
 * targets, which objdump prints as bare hex, too), whitespace and comma spacing collapsed.
 */
const BRANCH = /^(b|bl|blx)(eq|ne|cs|cc|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?$/;

export function normaliseDisas(text: string): string {
  let t = text.replace(/\s*[@;].*$/, '').replace(/<[^>]*>/g, '').trim().replace(/\s+/g, ' ');
  const sp = t.indexOf(' ');
  let mn = sp < 0 ? t : t.slice(0, sp);
  let ops = sp < 0 ? '' : t.slice(sp + 1).trim();
  mn = mn.replace(/\.[nw]$/, '');
  if (BRANCH.test(mn) && /^(0x)?[0-9a-f]+$/.test(ops)) ops = String(parseInt(ops.replace(/^0x/, ''), 16));
  ops = ops.replace(/(-?)0x([0-9a-f]+)/g, (_, s: string, h: string) => `${s}${parseInt(h, 16)}`);
  ops = ops.replace(/\s*,\s*/g, ', ');
  t = ops ? `${mn} ${ops}` : mn;
  return t;
}
