// Name of the function the harness exposes to every page (page.exposeBinding).
export const HARNESS_BINDING = "__beaconIpcInvoke";
