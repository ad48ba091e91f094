import { currentResponse } from './connection-close.js';
import type { ConnectionTracker } from './connection-tracker.js';

/**
 * What a server still has open, for the shutdown's progress line: "2 requests in flight,
 * 43 sockets open (40 idle, 1 upgraded)"; undefined when nothing is.
 */
export function describeConnections(tracker: ConnectionTracker): string | undefined {
  const requests = tracker.inFlight;
  const sockets = tracker.connections;
  if (requests === 0 && sockets === 0) return undefined;
  let idle = 0;
  if (sockets > 0) for (const socket of tracker.sockets) if (currentResponse(socket) === undefined) idle++;
  const upgraded = sockets > 0 ? tracker.upgraded.size : 0;
  const kinds = [idle > 0 ? `${idle} idle` : '', upgraded > 0 ? `${upgraded} upgraded` : ''].filter(Boolean);
  return `${count(requests, 'request')} in flight, ${count(sockets, 'socket')} open${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
