// Part 2 of 3 of the record/replay matrix (test/bundle/record-replay-matrix.ts; part 1 is in record-replay.test.ts).
import { describeRecordReplayMatrix } from './record-replay-matrix';

describeRecordReplayMatrix(1, 3);
