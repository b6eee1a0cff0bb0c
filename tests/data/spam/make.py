"""Writes tune.jsonl and heldout.jsonl from the hand-written posts below (see README.md).

Run from the repository: ``python -m tests.data.spam.make``. Deterministic: the same files
every time. Each post gets an author context (writes this minute, approved posts before,
anonymous) drawn from a fixed seed with the mix described in the README.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent

# Real-sounding feature requests and comments, several with a legitimate link, some terse,
# some emphatic, a few in other languages.
HAM = [
    "Dark mode for the dashboard\nMy eyes hurt at night, a dark theme would help.",
    "Export reports to PDF\nWe send monthly reports to clients and need a PDF.",
    "Two-way Google Calendar sync",
    "Please add SSO with Okta, our IT requires it for every tool.",
    "Keyboard shortcuts for triage\nj/k to move like Gmail would be great.",
    "Bulk edit tags\nSelecting 50 requests and tagging them one by one is slow.",
    "API rate limits are too low for our nightly sync job.",
    "Webhooks for status changes\nSee how Stripe does it: https://stripe.com/docs/webhooks",
    "Slack notifications when a request is completed",
    "Allow markdown in comments, at least bold and links.",
    "Mobile app crashes when I rotate the phone on the roadmap page.",
    "Search should ignore accents: café and cafe should match.",
    "Custom statuses like 'Needs design' between open and planned.",
    "Let us merge two users who signed up with different emails.",
    "Show vote counts per customer segment (paying vs free).",
    "Private boards for internal ideas only the team sees.",
    "I'd love an embeddable widget that matches our brand colours.",
    "The CSV export breaks names with commas, please quote fields.",
    "Could you support Jira Cloud links like you do for GitHub?",
    "Translate the board into German please, our users are in Berlin.",
    "Bitte eine deutsche Übersetzung des Boards, danke!",
    "Modo oscuro por favor, trabajo de noche.",
    "Add an RSS or Atom feed for the changelog.",
    "Attach screenshots to a request, drag and drop would be ideal.",
    "Email digest once a week instead of one email per comment.",
    "Our security team asks for audit logs of admin actions.",
    "The roadmap should let us hide completed items older than a year.",
    "Voting on mobile is hard, the button is tiny.",
    "Support for multiple languages in the same workspace.",
    "Add due dates to planned items so customers know what to expect.",
    "Hi, is there a way to see who voted? We want to follow up with them.",
    "+1, we need this for our onboarding flow too.",
    "Same here, our sales team keeps asking for it.",
    "Thanks for shipping the widget, works great on our site!",
    "This would save me an hour every week.",
    "Any update on this? It has been planned for a while.",
    "Please prioritise this, we are blocked on the migration.",
    "Great idea. Could it also export to Excel?",
    "I disagree, the current behaviour is fine for small teams.",
    "Works for me in Firefox but not Safari 17.",
    "We documented our workaround here: https://github.com/acme/notes/wiki/Export",
    "Related to the discussion on https://news.ycombinator.com/item?id=123456",
    "Zapier integration so we can connect our CRM.",
    "Filter the board by tag AND status at the same time.",
    "Allow anonymous feedback on the public board.",
    "Request templates with required fields for bug reports.",
    "The API docs example for pagination is wrong, cursor is missing.",
    "IMPORTANT: the login page is down for us since this morning.",
    "Please please please add dark mode!!!",
    "Love it. Dark mode would be perfect.",
    "Could the emails include the request description?",
    "Sort by most recent comment would help us find active threads.",
    "Let admins pin an announcement at the top of the board.",
    "Show which requests I voted for on my profile.",
    "Integrate with Linear so status changes sync both ways.",
    "Discount codes for nonprofits? We are a small charity.",
    "Support SAML for enterprise customers.",
    "An iOS widget showing our top requests would be neat.",
    "Our domain is acme.io, please whitelist it for SSO.",
    "Make the changelog entries linkable with anchors.",
    "Reduce the email frequency, too many notifications.",
    "Data residency in the EU is a must for our legal team.",
    "Could we get a bulk import from Trello cards?",
    "When I merge requests, keep both descriptions.",
    "Let voters leave a short reason with their vote.",
    "Comments should show edited time when changed.",
    "Need an archive instead of delete for old requests.",
    "Typo on the pricing page: 'recieve'.",
    "Realtime updates without reloading the board.",
    "Please make the widget accessible to screen readers.",
    "Offline mode for the mobile app on flights.",
    "Let us export votes with the voter's company name.",
]

# Spam and abuse as it reaches public boards: SEO links, promotion, scams, floods of the
# same words, shouting; some with no link at all, some very short.
SPAM = [
    "Best casino bonus 2026 http://lucky-spin.xyz claim now",
    "Buy cheap followers instantly www.fastfollow.shop",
    "CHEAP VIAGRA ONLINE NO PRESCRIPTION http://pills-store.top",
    "Earn $5000 a week work from home, DM me on telegram @richfast",
    "crypto crypto crypto double your bitcoin today crypto crypto",
    "Click here for free money http://freecash.click http://freecash.click",
    "SEO backlinks package 1000 links cheap price contact whatsapp +1 555 0100",
    "Hot singles in your area http://meet-now.site",
    "Best forex signals 95% profit join telegram channel",
    "loan loan loan fast loan no credit check www.quickloan.biz",
    "Replica watches best price www.luxury-replica.shop",
    "BUY NOW BUY NOW BUY NOW LIMITED OFFER",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    "Get rich with our investment plan, guaranteed profit http://invest-x.online",
    "Visit my site www.best-deals.info for best deals on everything",
    "Free iPhone giveaway click here http://apple-gift.top",
    "Promo code SAVE90 on all products at cheap-store.com",
    "I made $300 today from home, check my profile",
    "Make money online fast and easy, no experience http://easy-income.site",
    "Betting tips 100% sure win, jackpot every day, telegram @tips",
    "discount discount discount discount discount discount discount discount",
    "Online pharmacy cialis viagra cheap http://meds24.ru",
    "spam spam spam spam spam spam spam spam spam spam",
    "Watch free movies HD http://movies-free.xyz http://movies-free2.xyz",
    "Cheap essay writing service www.essays-fast.net",
    "Earn crypto while you sleep, DM me",
    "Followers likes views cheap www.socialboost.club",
    "Great post! Visit www.casino-royal.top for bonus",
    "Nice idea. Also check http://seo-rank.xyz for backlinks",
    "Looking for investors? Message me on whatsapp for profit",
    "WIN A FREE CRUISE CALL NOW",
    "Get 100% free bitcoin at http://btc-faucet.site",
    "Lose 20kg in 2 weeks with these pills http://slim-fast.top",
    "Your account will be suspended, verify at http://secure-login.online",
    "Buy instagram followers cheap",
    "Hello dear, I am a prince and need your help with a transfer, reply with bank details",
    "Dating site for adults www.adult-dating.club",
    "Crack software download free www.warez.ru",
    "Join our telegram for crypto signals and earn income",
    "Best SEO agency, rank #1 on Google, cheap www.rank1.co",
    "Buy now buy now buy now buy now buy now",
    "Cheap flights cheap hotels cheap cars cheap cheap cheap",
    "http://a.xyz http://b.xyz http://c.xyz",
    "FREE MONEY FREE MONEY FREE MONEY",
    "Porn videos free http://xxx-tube.site",
    "Jackpot casino slots bonus code WIN100",
    "Earn income from home with crypto, limited offer",
    "Check this out http://bit-deal.shop",
    "coupon coupon coupon best coupon codes today",
    "Get paid to click ads, make money now",
    "Investment opportunity 300% profit in 30 days",
]


def _context(rng: random.Random, spam: bool) -> dict[str, object]:
    """Authors of spam are more often new, anonymous and fast; not always (README)."""
    if spam:
        fast = rng.random() < 0.4
        new = rng.random() < 0.85
        anonymous = rng.random() < 0.5
    else:
        fast = rng.random() < 0.05
        new = rng.random() < 0.35
        anonymous = rng.random() < 0.2
    return {
        "writesThisMinute": rng.randint(3, 12) if fast else rng.randint(0, 2),
        "approvedBefore": 0 if new else rng.randint(1, 20),
        "anonymous": anonymous,
    }


def main() -> None:
    rng = random.Random(20261129)
    rows = [{"text": t, "spam": False} for t in HAM] + [{"text": t, "spam": True} for t in SPAM]
    for row in rows:
        row.update(_context(rng, row["spam"]))
    rng.shuffle(rows)
    cut = len(rows) * 3 // 5
    for name, part in (("tune", rows[:cut]), ("heldout", rows[cut:])):
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in part:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
