// Dashboard uids in one module without imports, so alerts can name the panel that shows their
// condition without importing the dashboards (which import the alerts' thresholds).
export const CLIENT_OVERVIEW_UID = "beacon-client-overview";
export const CLIENT_ERRORS_UID = "beacon-client-errors";
export const SERVER_UID = "beacon-server-red";
export const LINK_PROCESSING_UID = "beacon-link-processing";
export const PIPELINE_UID = "beacon-telemetry-pipeline";
export const EXPLORE_UID = "beacon-explore-shortcuts";
export const SLO_UID = "beacon-slos";
