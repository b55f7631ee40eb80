// Stub of `k6/execution`: the iteration number is whatever the test set in the stub state.
import { stubState } from "./state.ts";

const exec = {
  scenario: {
    get iterationInTest(): number {
      return stubState().iterationInTest;
    },
  },
};

export default exec;
