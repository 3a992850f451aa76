import type { RequestHandler } from 'express';
import type { DemoClock } from '../shared/demo-clock.js';
import { readAdvanceSeconds } from './advance-request.js';

/**
 * `POST /__demo/advance` for an Express app of the demo: moves its clock forward by `{"seconds": n}` and
 * answers the new offset. Mounted with the embedded fake only (the real Apiax keeps real time).
 */
export function advanceClockHandler(clock: DemoClock): RequestHandler {
  return (req, res) => {
    const seconds = readAdvanceSeconds(req.body);
    if (seconds === null) {
      res.status(400).json({ error: 'expected {"seconds": <positive number>}' });
      return;
    }
    clock.advance(seconds);
    res.json({ clockOffsetMs: clock.offsetMs });
  };
}
