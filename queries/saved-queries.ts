// Saved Explore queries: the declarations (saved-query-list.ts) and the files the build
// writes from them (saved-query-files.ts: query library resources and Explore URLs).
export { FAMILY_TRACE_QUERIES, SAVED_QUERIES } from "./saved-query-list.ts";
export { EXPLORE_URLS_FILE, QUERY_LIBRARY_FILE, savedQueryFiles, stableJson } from "./saved-query-files.ts";
