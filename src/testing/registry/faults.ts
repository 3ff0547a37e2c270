// Fault injection: before a request is authenticated or routed, the faults are asked in order and the
// first whose predicate accepts it applies — an error status (with Retry-After when given), a connection
// reset (after the first chunk of a request body, so a PATCH dies mid-upload), or a flag that makes the
// blob or manifest GET serve one flipped byte under its correct digest, or a manifest under a wrong digest.
import { codeForStatus, errorBody } from './errors.ts';
import type { Exchange, Fault } from './types.ts';

/** Per-registry fault bookkeeping: hits per fault and attempts per method and path. */
export class FaultState {
  private readonly faults: Fault[];
  private readonly hits: number[];
  private readonly attempts = new Map<string, number>();

  constructor(faults: Fault[]) {
    this.faults = faults;
    this.hits = faults.map(() => 0);
  }

  /** Applies the first matching fault; true when it answered (or killed) the request itself. */
  apply(ex: Exchange): boolean {
    const key = `${ex.method} ${ex.url.pathname}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const path = ex.req.url ?? ex.url.pathname;
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i]!;
      if (!fault.match({ method: ex.method, path, n: this.hits[i]! + 1, attempt })) continue;
      this.hits[i] = this.hits[i]! + 1;
      return act(fault.action, ex);
    }
    return false;
  }
}

function act(action: Fault['action'], ex: Exchange): boolean {
  if (action === 'corrupt-blob') {
    ex.corrupt = true;
    return false;
  }
  if (action === 'wrong-digest-header') {
    ex.lie = true;
    return false;
  }
  if (action === 'reset') {
    reset(ex);
    return true;
  }
  const status = action === 'status-500' ? 500 : action === 'status-429' ? 429 : action.status;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (typeof action === 'object' && action.retryAfter !== undefined)
    headers['Retry-After'] = action.retryAfter;
  const body = errorBody(codeForStatus(status), `injected fault: status ${status}`);
  ex.res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
  ex.res.end(body);
  return true;
}

/** Resets the connection: at once without a body, else once part of the body has been read. */
function reset(ex: Exchange): void {
  const { req } = ex;
  const kill = () => {
    if (!req.socket.destroyed) req.socket.resetAndDestroy();
  };
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
  if (!hasBody) {
    kill();
    return;
  }
  req.once('data', kill);
  req.once('end', kill);
}
