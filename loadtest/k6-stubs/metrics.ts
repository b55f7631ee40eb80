// Stub of `k6/metrics`: every add() is recorded in the stub state as a sample of its metric.
import { stubState, type RecordedSample } from "./state.ts";

function metric(type: RecordedSample["type"]) {
  return class {
    readonly name: string;
    constructor(name: string) {
      this.name = name;
    }
    add(value: number | boolean, tags: Record<string, string> = {}): void {
      stubState().samples.push({ metric: this.name, type, value: Number(value), tags: { ...tags } });
    }
  };
}

export const Counter = metric("counter");
export const Gauge = metric("gauge");
export const Rate = metric("rate");
export const Trend = metric("trend");
