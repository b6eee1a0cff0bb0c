// The one API client of the board, the console and the widget: fetch, errors in plain words.
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message, details = [], retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** A "did you mean" match this close is the same idea: posting it asks once more. */
export const OBVIOUS = 0.8;

/** Where the API is and which key to use: query string first, then the site's config.json. */
export async function loadConfig(base = new URL("/", location.href)) {
  const params = new URLSearchParams(location.search);
  let config = {};
  try {
    const response = await fetch(new URL("config.json", base));
    if (response.ok) config = await response.json();
  } catch {
    // no config.json: the query string has to say it all
  }
  for (const name of ["api", "key", "app"]) {
    if (params.get(name)) config[name] = params.get(name);
  }
  if (!config.app && config.key) config.app = appOfKey(config.key);
  return config;
}

/** fr_pub_<tenant>_<app>_<secret> names its app. */
export function appOfKey(key) {
  const parts = (key || "").split("_");
  return parts.length >= 5 && parts[1] === "pub" ? parts[3] : null;
}

/** This browser's random anonymous id, kept in localStorage: the server turns it into its own
 * ``anon-…`` pseudonym, so two browsers on one machine are two anonymous visitors. */
export function anonymousId() {
  try {
    let id = localStorage.getItem("fb-anon-id");
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      id = crypto.randomUUID().replaceAll("-", "");
      localStorage.setItem("fb-anon-id", id);
    }
    return id;
  } catch {
    return null;  // storage blocked: the server tells visitors apart by address instead
  }
}

export function client({ api, key, token = null, userId = null, anonymous = null }) {
  const root = api.replace(/\/$/, "");

  async function send(method, path, { body, query, headers = {} } = {}) {
    const url = new URL(root + path);
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
    }
    const sent = { Authorization: `Bearer ${key}`, ...headers };
    if (token) sent["X-User-Token"] = token;
    if (userId) sent["X-User-Id"] = userId;
    if (anonymous && !token) sent["X-Anonymous-Id"] = anonymous;
    if (body !== undefined) sent["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, { method, headers: sent,
                                    body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "network", "network");
    }
    const text = await response.text();
    const data = text ? safeJson(text) : null;
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(response.status, error.code || "internal", error.message || "",
                         error.details || [], response.headers.get("Retry-After"));
    }
    return data;
  }

  return {
    get: (path, query) => send("GET", path, { query }),
    post: (path, body, headers) => send("POST", path, { body, headers }),
    patch: (path, body, headers) => send("PATCH", path, { body, headers }),
    put: (path) => send("PUT", path, {}),
    del: (path) => send("DELETE", path, {}),
  };
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/** What to tell a person about an error, in plain words. */
export function describe(error) {
  if (!(error instanceof ApiError)) return t("error.unknown");
  switch (error.status) {
    case 0: return t("error.network");
    case 400: {
      const first = error.details[0];
      return first ? t("error.check_field", { field: humanField(first.field), message: first.message })
                   : t("error.bad_request");
    }
    case 401: return t("error.sign_in");
    case 403: return t("error.forbidden");
    case 404: return t("error.not_found");
    case 409: return t("error.conflict", { message: error.message });
    case 412: return t("error.changed");
    case 413: return t("error.too_long");
    case 429: return error.retryAfter ? t("error.slow_down", { count: Number(error.retryAfter) }) : t("error.slow_down_soon");
    default: return t("error.server");
  }
}

function humanField(field) {
  const names = { title: () => t("field.title"), description: () => t("field.description"),
                  body: () => t("field.body"), message: () => t("field.message"),
                  rating: () => t("field.rating"), email: () => t("field.email") };
  return names[field]?.() || field;
}
