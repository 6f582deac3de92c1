/**
 * The top of the hand-written command families (strings ← keys ← ... ← server ← geo ← sorted-set queries ← sort
 * ← lcs ← bitfield). The generated families (`generated/`) extend it, and tools/command-gen reads its prototype
 * chain to leave out the commands that already have a hand-written method.
 */
export { BitfieldCommands as HandWrittenCommands } from './bitfield.js';
