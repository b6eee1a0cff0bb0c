// The one API client of the board, the console and the widget: fetch, errors in plain words.

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
  if (!(error instanceof ApiError)) return "Something went wrong. Please try again.";
  switch (error.status) {
    case 0: return "We can't reach the server. Check your connection and try again.";
    case 400: {
      const first = error.details[0];
      return first ? `Please check ${humanField(first.field)}: ${first.message}.`
                   : "That request was not understood. Please check what you entered.";
    }
    case 401: return "Please sign in to do that.";
    case 403: return "You don't have permission to do that.";
    case 404: return "We couldn't find that. It may have been removed.";
    case 409: return `That can't be done right now: ${error.message}.`;
    case 412: return "Someone else changed this meanwhile. Reload and try again.";
    case 413: return "That's too long. Please shorten it.";
    case 429: return `You're going a bit fast. Try again in ${error.retryAfter || "a few"} seconds.`;
    default: return "Something went wrong on our side. Please try again in a moment.";
  }
}

function humanField(field) {
  return ({ title: "the title", description: "the description", body: "your comment",
            message: "your message", rating: "the rating", email: "the email address" })[field]
    || field;
}
