// UI text from one catalogue per language (static/i18n/<lang>.json): only the chosen
// language's is fetched. Plurals by Intl.PluralRules, numbers and dates by Intl.
export const LANGUAGES = { en: "English", ar: "العربية" };  // each in its own language
const RTL = new Set(["ar", "he", "fa", "ur"]);
let lang = "en";
let strings = {};
let rules = new Intl.PluralRules(lang);

export function language() {
  return lang;
}

/** The first of ?lang=, the page's own default and the browser's languages that has a
 * catalogue; else English. */
export function pickLanguage(fallback = null, asked = new URLSearchParams(location.search).get("lang")) {
  for (const wanted of [asked, fallback, ...(navigator.languages || [])]) {
    const base = String(wanted || "").toLowerCase().split("-")[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return "en";
}

/** Load ``wanted``'s catalogue and mark ``root`` with its lang and direction. */
export async function useLanguage(wanted, root = document.documentElement) {
  lang = Object.hasOwn(LANGUAGES, wanted) ? wanted : "en";
  try {
    const response = await fetch(new URL(`../i18n/${lang}.json`, import.meta.url));
    strings = await response.json();
  } catch {
    strings = {};  // keys show instead of text: visible, and the tests look for them
  }
  rules = new Intl.PluralRules(lang);
  root.lang = lang;
  root.dir = RTL.has(lang) ? "rtl" : "ltr";
}

/** The text of ``key`` with its {placeholders} filled; a plural entry picks its form by
 * ``params.count`` ("1 vote", "2 votes"; Arabic has six forms). */
export function t(key, params = {}) {
  let text = strings[key];
  if (text && typeof text === "object") text = text[rules.select(params.count ?? 0)] ?? text.other;
  if (typeof text !== "string") return key;
  return text.replace(/\{(\w+)\}/g, (_, name) =>
    name === "count" ? number(params.count) : String(params[name] ?? ""));
}

export function number(value) {
  return new Intl.NumberFormat(lang).format(value);
}

/** Fill the page's static text: ``data-i18n`` (text), ``data-i18n-label`` (aria-label). */
export function translatePage(root = document) {
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nLabel)));
}

/** A language picker: choosing reloads the page with ?lang= (every text is made anew). */
export function languageSwitcher(h) {
  const select = h("select", { id: "lang", "aria-label": t("common.language"), onchange: () => {
    const url = new URL(location.href);
    url.searchParams.set("lang", select.value);
    location.assign(url);
  } }, ...Object.entries(LANGUAGES).map(([code, name]) =>
    h("option", { value: code, lang: code, selected: code === lang }, name)));
  return select;
}
