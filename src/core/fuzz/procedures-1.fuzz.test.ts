// The first half of the contract's procedures, fuzzed (src/core/fuzz/fuzz-procedures.ts says how).
import { describeProcedureFuzz } from './fuzz-procedures';

describeProcedureFuzz((index) => index % 2 === 0);
