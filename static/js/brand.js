// An app's accent colour, kept readable: the same WCAG 2 arithmetic as chalicelib/branding.py.
// Text on the accent is black or white (one always reaches 4.58:1); a link in the accent is
// mixed toward black on a light page (white on a dark one) until it reads at 4.5:1.

const AA = 4.5;
const HEX = /^#[0-9a-f]{6}$/i;
// the harder of each scheme's two backgrounds (page and card) for a link to read on
export const LIGHT_PAGE = "#f5f6f8";
export const DARK_PAGE = "#181c25";

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function luminance(hex) {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export function textOn(accent) {
  return contrast(accent, "#000000") >= contrast(accent, "#ffffff") ? "#000000" : "#ffffff";
}

function mix(hex, toward, share) {
  const target = rgb(toward);
  return "#" + rgb(hex).map((c, i) => Math.round(c + (target[i] - c) * share)
    .toString(16).padStart(2, "0")).join("");
}

export function readableOn(color, page) {
  const toward = luminance(page) > 0.18 ? "#000000" : "#ffffff";
  for (let step = 0; step <= 20; step += 1) {
    const candidate = mix(color, toward, step / 20);
    if (contrast(candidate, page) >= AA) return candidate;
  }
  return toward;
}

/** The CSS custom properties that put ``accent`` on primary buttons and links. */
export function accentProperties(accent) {
  if (!HEX.test(accent || "")) return {};
  const color = accent.toLowerCase();
  return {
    "--brand": color,
    "--brand-text": textOn(color),
    "--brand-link-light": readableOn(color, LIGHT_PAGE),
    "--brand-link-dark": readableOn(color, DARK_PAGE),
  };
}

/** Set (or, with no accent, clear) the brand's colours on ``element`` (an element or a host). */
export function applyAccent(element, accent) {
  const properties = accentProperties(accent);
  for (const name of ["--brand", "--brand-text", "--brand-link-light", "--brand-link-dark"]) {
    if (properties[name]) element.style.setProperty(name, properties[name]);
    else element.style.removeProperty(name);
  }
  element.toggleAttribute("data-brand", Boolean(properties["--brand"]));
}

/** The header's name and logo: text is set as text, the logo only from an https address. */
export function brandHeader(heading, branding, fallbackName) {
  const name = (branding && branding.name) || fallbackName;
  const logo = branding && branding.logoUrl;
  heading.replaceChildren();
  if (logo && logo.startsWith("https://")) {
    const img = document.createElement("img");
    img.className = "brand-logo";
    img.src = logo;
    img.alt = "";
    img.referrerPolicy = "no-referrer";
    heading.append(img);
  }
  heading.append(document.createTextNode(name));
}
