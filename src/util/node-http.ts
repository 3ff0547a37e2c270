// node:http and node:https for the modules that speak HTTP (the mirror client, the registry transport),
// reached through process.getBuiltinModule rather than imported: an ES import of node:http builds its
// whole facade, whose lazy getters load undici, about 30 ms of every command's start-up. Importing their
// types costs nothing.

/** node:http, loaded when first asked for. */
export function nodeHttp(): typeof import('node:http') {
  return process.getBuiltinModule('node:http');
}

/** node:https, loaded when first asked for. */
export function nodeHttps(): typeof import('node:https') {
  return process.getBuiltinModule('node:https');
}
