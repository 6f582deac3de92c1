export { type DecoderHandlers, type DecoderOptions, RespDecoder } from './decoder.js';
export { type EncodedCommand, encodeCommand, joinEncoded } from './encode-command.js';
