// Stands in for long.js in the bundle: protobufjs then decodes 64-bit fields as numbers,
// which is exact for every 64-bit field of the protocol (times in ms and counters < 2^53).
export default undefined;
