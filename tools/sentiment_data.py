"""Writes tests/data/sentiment_train.csv: the sentiment classifier's training set.

Provenance: generated here from templates written for this purpose on 2026-11-28, about the
tuning products (a bank, a project tool, a photo editor, a fitness app): praise, thanks,
complaints, failures, sarcasm (praise words around a failure), questions, requests and
plain statements, in lower case, capitals and with common misspellings, plus a few short
phrases in Spanish, German and French. No held-out text (tests/data/heldout/) was read or
reused. Deterministic: the same file every run (``python -m tools.sentiment_data``).

Second round (``HANDWRITTEN``, 120 messages, 40 a label): written by hand, not from
templates, after the first held-out set had scored the template-trained classifier at 0.79,
and by the same person who had just written tests/data/heldout2/ (so its style may be
closer to that set than a stranger's would be; no message of either held-out set was copied
or paraphrased). Questions, wishes and plain statements are neutral; sarcasm is negative.

Third round (``MULTILINGUAL``, 96 messages in twenty-four languages, 2026-11-29): see the
comment above the list for who wrote it and when.
"""

from __future__ import annotations

import csv
import random

from .resources import ROOT

__all__ = ["rows", "main"]

THINGS = [
    "the budget view",
    "card payments",
    "the transfer screen",
    "login",
    "the statement export",
    "the kanban board",
    "task reminders",
    "the calendar",
    "comments",
    "the sprint report",
    "the crop tool",
    "filters",
    "the photo editor",
    "layers",
    "exports",
    "workout tracking",
    "the step counter",
    "the running map",
    "sync with my watch",
    "the new update",
    "this app",
    "the search",
    "notifications",
    "the widget",
    "dark mode",
]
POSITIVE = [
    "I love {t}",
    "{T} is great",
    "{T} works perfectly",
    "really happy with {t}",
    "{T} is so fast now",
    "thanks for {t}, it is excellent",
    "{T} saves me so much time",
    "best app ever, {t} is brilliant",
    "nice work on {t}!",
    "{T} is awesome!!",
    "{T} is exactly what I needed, thank you",
    "so easy to use, {t} is perfect",
    "five stars, {t} is wonderful",
    "impressed by {t}",
    "{t} finally feels right, good job",
    "luv {t}",
    "{T} is amazng",
    "great job team, {t} rocks",
    "very smooth, {t} is lovely",
    "{T} made my day :)",
]
NEGATIVE = [
    "{T} crashes every time",
    "{T} does not work",
    "{t} is broken again",
    "I hate {t}",
    "{T} is so slow",
    "{T} keeps failing",
    "{T} stopped working after the update",
    "{T} is useless",
    "terrible experience with {t}",
    "{T} lost my data",
    "why is {t} always broken???",
    "{T} is a mess",
    "worst update, {t} is unusable",
    "{T} freezes constantly",
    "cant use {t} anymore, it errors out",
    "{t} doesnt work at all",
    "{T} is awful and nobody answers support",
    "{T} charged me twice",
    "great, {t} crashed again.",
    "oh wonderful, {t} deleted everything.",
    "thanks for breaking {t}",
    "love how {t} never loads. amazing.",
    "{T} is WAY too slow",
    "so disappointed with {t}",
    "{T} drains my battery",
    "{t} is confusing and ugly",
]
NEUTRAL = [
    "how do I use {t}?",
    "where is {t}?",
    "is there a way to export {t}?",
    "please add an option to {t}",
    "could you add more settings to {t}",
    "would be nice if {t} had a search",
    "any plans to change {t}?",
    "I use {t} every morning",
    "I opened {t} today",
    "what does {t} do",
    "can I share {t} with my team?",
    "does {t} work offline?",
    "{T} is on the second tab",
    "feature request: {t} on tablets",
    "I switched to {t} last week",
    "is {t} included in the free plan?",
    "testing {t}",
    "how often does {t} update?",
    "my colleague asked about {t}",
    "need {t} in french",
]
OTHER = [
    ("positive", "me encanta esta app"),
    ("positive", "muy buena aplicación, gracias"),
    ("positive", "super, danke!"),
    ("positive", "tolle App, sehr hilfreich"),
    ("positive", "j'adore cette appli"),
    ("positive", "excellent travail, merci"),
    ("negative", "no funciona nada"),
    ("negative", "la app se cierra sola"),
    ("negative", "funktioniert nicht mehr"),
    ("negative", "sehr langsam und stürzt ab"),
    ("negative", "ça ne marche pas"),
    ("negative", "application très lente, nulle"),
    ("neutral", "¿cómo exporto mis datos?"),
    ("neutral", "wo finde ich die Einstellungen?"),
    ("neutral", "comment changer la langue ?"),
    ("neutral", "hay versión para tablet?"),
    ("neutral", "ok"),
    ("neutral", "hello"),
    ("neutral", "version 3.1 on android"),
    ("positive", "thx!!"),
    ("positive", "10/10"),
    ("negative", "meh. broken."),
    ("negative", "fix it"),
    ("neutral", "question about billing"),
]

# Written by hand, one message at a time (2026-11-28, second round): whole sentences in the
# voices app-store reviews and support forms use, about the tuning products or no product:
# slang, emoji, sarcasm without a failure word, typos, and twelve languages.
HANDWRITTEN = [
    # positive
    ("positive", "the budget charts finally make sense to me, nice one"),
    ("positive", "Transfers go through instantly now 👏"),
    ("positive", "been on the kanban board all week and it's a joy"),
    ("positive", "the new crop tool is so much better, well done"),
    ("positive", "hit my step goal every day this month thanks to the reminders 💪"),
    ("positive", "this update is fire 🔥"),
    ("positive", "u guys rock"),
    ("positive", "Absolutely brilliant, no complaints"),
    ("positive", "exactly what I was looking for"),
    ("positive", "support replied in 5 minutes and sorted it. impressed"),
    ("positive", "Clean design, fast, reliable. What more could I want"),
    ("positive", "works like a charm on my old phone"),
    ("positive", "My whole team switched to it and nobody misses the old tool"),
    ("positive", "the raw editing is pro level, incredible for the price"),
    ("positive", "Such a relief to have a bank app that doesn't crash"),
    ("positive", "better than any other fitness app I tried"),
    ("positive", "excelent app, recomended"),
    ("positive", "gud job devs"),
    ("positive", "sooo handy!!"),
    ("positive", "Really well thought out. Kudos"),
    ("positive", "I was about to cancel but the new version won me back"),
    ("positive", "❤️❤️❤️"),
    ("positive", "top notch"),
    ("positive", "the sprint report saves my Monday mornings"),
    ("positive", "Fantastische app, echt een aanrader"),
    ("positive", "Bardzo dobra aplikacja, polecam"),
    ("positive", "Riktigt bra app, tack!"),
    ("positive", "Aplicativo excelente, muito fácil de usar"),
    ("positive", "Очень удобное приложение, спасибо"),
    ("positive", "Harika bir uygulama"),
    ("positive", "Bellissima app, complimenti"),
    ("positive", "Très pratique, je l'utilise tous les jours"),
    ("positive", "Einfach super, danke an das Team"),
    ("positive", "Genial, justo lo que necesitaba"),
    ("positive", "happy customer here :D"),
    ("positive", "five stars from me"),
    ("positive", "love that I can finally export to pdf"),
    ("positive", "smooth as butter after the update"),
    ("positive", "this app actually made me enjoy budgeting lol"),
    ("positive", "Great work, keep it up!"),
    # negative
    ("negative", "the transfer screen froze and I don't know if the money went out"),
    ("negative", "tasks vanished from the board overnight. not ok"),
    ("negative", "Exports come out blurry, what is the point"),
    ("negative", "the step counter is off by thousands every day"),
    ("negative", "this update is trash"),
    ("negative", "absolute garbage since v3"),
    ("negative", "Keeps logging me out every five minutes 😡"),
    ("negative", "not impressed. slow and buggy"),
    ("negative", "I want my money back"),
    ("negative", "support ghosted me for two weeks"),
    ("negative", "Wow, a whole week without a crash. Oh wait, it just crashed."),
    ("negative", "Brilliant idea to hide the save button. Really."),
    ("negative", "yeah sure, let me just re-enter all my workouts by hand, thanks"),
    ("negative", "So now I pay more for fewer features. Great deal."),
    ("negative", "nice, the app ate my photo edits again"),
    ("negative", "Love waiting 30 seconds for the login screen. Said no one ever."),
    ("negative", "the sync is a joke"),
    ("negative", "disapointed, it keeps crashng"),
    ("negative", "wont even open anymore"),
    ("negative", "Doesn't do what it promises"),
    ("negative", "too many bugs to count"),
    ("negative", "I regret paying for premium"),
    ("negative", "the ads are unbearable"),
    ("negative", "👎👎"),
    ("negative", "this is getting worse with every release"),
    ("negative", "De app werkt niet meer na de update"),
    ("negative", "Aplikacja ciągle się zawiesza"),
    ("negative", "Appen kraschar hela tiden"),
    ("negative", "Péssimo, não consigo entrar na minha conta"),
    ("negative", "Ужасное обновление, всё сломалось"),
    ("negative", "Uygulama sürekli çöküyor"),
    ("negative", "Non funziona più, pessima"),
    ("negative", "Nul, je perds mes photos à chaque fois"),
    ("negative", "Katastrophal, alles weg"),
    ("negative", "Una basura, se cuelga siempre"),
    ("negative", "my card got declined because of your bug"),
    ("negative", "you broke the calendar again"),
    ("negative", "meh, worse than before"),
    ("negative", "why would you remove dark mode?? terrible decision"),
    ("negative", "Honestly thinking about switching banks because of this app"),
    # neutral
    ("neutral", "How do I move a task to another project?"),
    ("neutral", "Where are the layer settings?"),
    ("neutral", "can i connect my heart rate strap"),
    ("neutral", "Is there a limit on transfers per day?"),
    ("neutral", "I use the photo editor for product shots."),
    ("neutral", "We have 12 people on the board."),
    ("neutral", "My budget resets on the 1st."),
    ("neutral", "Please add recurring tasks."),
    ("neutral", "It would help to have a weekly summary email."),
    ("neutral", "Could you support HEIC files?"),
    ("neutral", "Any chance of a watch app?"),
    ("neutral", "Feature idea: shared budgets for couples"),
    ("neutral", "I'd like to see more workout types."),
    ("neutral", "pls add polish language"),
    ("neutral", "does premium include cloud backup"),
    ("neutral", "what's new in this version?"),
    ("neutral", "I updated this morning."),
    ("neutral", "Just installed it."),
    ("neutral", "sent from my phone"),
    ("neutral", "test"),
    ("neutral", "hi, quick question about my invoice"),
    ("neutral", "My username is the same as my email."),
    ("neutral", "I run three times a week."),
    ("neutral", "Our team uses it for sprint planning."),
    ("neutral", "Hoe exporteer ik mijn gegevens?"),
    ("neutral", "Czy jest wersja na komputer?"),
    ("neutral", "Hur ändrar jag språket?"),
    ("neutral", "Como faço para mudar a senha?"),
    ("neutral", "Как добавить вторую карту?"),
    ("neutral", "Uygulama Türkçe destekliyor mu?"),
    ("neutral", "Come posso esportare le foto?"),
    ("neutral", "Est-ce qu'il y a une version web ?"),
    ("neutral", "Gibt es einen Familientarif?"),
    ("neutral", "¿Se puede usar sin conexión?"),
    ("neutral", "the button is on the left"),
    ("neutral", "i changed my plan yesterday"),
    ("neutral", "Will there be a Linux version?"),
    ("neutral", "When does the next sprint report come out?"),
    ("neutral", "Adding a second account for my business."),
    ("neutral", "It is fine."),
]

# Third round (2026-11-29, ``MULTILINGUAL``, 96 messages, 32 a label): written by hand, one
# at a time, for feedback in the many languages an English model reads only through word
# pieces: twenty-four languages, each with praise, a complaint and a question or wish, about
# no product in particular. Written by the engineer who had just written tests/data/heldout3/
# (after its figures were taken), without copying or paraphrasing any line of any held-out
# set; that set's languages are among the twenty-four, so its sentiment figure after this
# round is weighed with that in mind (docs/ai.md).
MULTILINGUAL = [
    # positive
    ("positive", "Heel fijn programma, alles loopt soepel"),
    ("positive", "Świetna robota, wszystko działa jak należy"),
    ("positive", "Fungerar perfekt, snabb och enkel"),
    ("positive", "Adorei a nova versão, ficou muito mais rápida"),
    ("positive", "Отличная программа, всё работает быстро"),
    ("positive", "Mükemmel, tam istediğim gibi çalışıyor"),  # noqa: RUF001
    ("positive", "Výborná aplikace, používám ji denně"),
    ("positive", "Aplikasi yang bagus sekali, terima kasih"),
    ("positive", "Davvero ottima, la consiglio a tutti"),
    ("positive", "Génial, enfin une appli qui marche bien"),
    ("positive", "Richtig gut gemacht, macht Spaß"),
    ("positive", "Me encanta, funciona de maravilla"),
    ("positive", "Fantastisk app, den er nem at bruge"),
    ("positive", "Kjempebra app, anbefales"),
    ("positive", "Todella hyvä sovellus, kiitos"),
    ("positive", "Aplicație excelentă, foarte utilă"),
    ("positive", "Nagyon jó alkalmazás, köszönöm"),
    ("positive", "Πολύ καλή εφαρμογή, μπράβο"),
    ("positive", "とても使いやすいです。ありがとう"),
    ("positive", "정말 좋은 앱이에요 감사합니다"),
    ("positive", "非常好用，谢谢开发者"),  # noqa: RUF001
    ("positive", "Ứng dụng rất tốt, cảm ơn"),
    ("positive", "bahut badhiya app hai, maza aa gaya"),
    ("positive", "Aplikasi mantap, sangat memudahkan"),
    ("positive", "Super apka, polecam znajomym"),
    ("positive", "Helt suverän, bästa appen jag har"),
    ("positive", "Muito bom, resolveu meu problema"),
    ("positive", "Lo mejor que he probado, gracias"),
    ("positive", "Ottimo lavoro ragazzi"),
    ("positive", "Parfait, rien à redire"),
    ("positive", "Klasse, läuft stabil und schnell"),
    ("positive", "Çok güzel olmuş, elinize sağlık"),  # noqa: RUF001
    # negative
    ("negative", "Sinds de laatste versie crasht hij steeds"),
    ("negative", "Tragedia, nic nie działa po aktualizacji"),
    ("negative", "Usel app, den laddar aldrig"),
    ("negative", "Horrível, perdi todos os meus dados"),
    ("negative", "Постоянно вылетает, невозможно пользоваться"),
    ("negative", "Çok kötü, para iadesi istiyorum"),
    ("negative", "Hrozná aplikace, pořád padá"),
    ("negative", "Jelek sekali, tidak bisa dibuka"),
    ("negative", "Si blocca continuamente, inutilizzabile"),
    ("negative", "Très déçu, ça ne marche plus du tout"),
    ("negative", "Seit dem Update nur noch Fehler, ärgerlich"),
    ("negative", "Fatal, me cobraron dos veces"),
    ("negative", "Elendig app, den virker ikke"),
    ("negative", "Dårlig, den krasjer hele tiden"),
    ("negative", "Surkea, ei toimi ollenkaan"),
    ("negative", "Groaznic, se închide singură"),
    ("negative", "Borzalmas, folyton lefagy"),
    ("negative", "Απαράδεκτο, δεν ανοίγει καθόλου"),
    ("negative", "すぐに落ちます。最悪です"),
    ("negative", "계속 오류가 나요 너무 별로예요"),
    ("negative", "太差了，一直闪退"),  # noqa: RUF001
    ("negative", "Ứng dụng quá tệ, lỗi liên tục"),
    ("negative", "bekaar app, baar baar band ho jata hai"),
    ("negative", "Zawiodłam się, strata pieniędzy"),
    ("negative", "Uma porcaria, não recomendo"),
    ("negative", "Pésima atención al cliente"),
    ("negative", "Che delusione, prima andava meglio"),
    ("negative", "Nul à chier, je désinstalle"),
    ("negative", "Totaler Mist, Geld zurück bitte"),
    ("negative", "Rezalet, destek ekibi cevap vermiyor"),
    ("negative", "Úplně k ničemu, zklamání"),
    ("negative", "Lemot banget dan sering logout sendiri"),
    # neutral
    ("neutral", "Kan ik mijn abonnement opzeggen in de app?"),
    ("neutral", "Gdzie znajdę ustawienia powiadomień?"),
    ("neutral", "Finns det en mörk läge?"),
    ("neutral", "Vocês vão lançar uma versão para tablet?"),
    ("neutral", "Можно ли поменять язык интерфейса?"),
    ("neutral", "Hesabımı nasıl silebilirim?"),  # noqa: RUF001
    ("neutral", "Kde najdu historii plateb?"),
    ("neutral", "Bagaimana cara mengganti kata sandi?"),
    ("neutral", "Sarebbe utile avere un widget"),
    ("neutral", "Pouvez-vous ajouter le mode hors ligne ?"),
    ("neutral", "Wie kann ich meine Daten exportieren?"),
    ("neutral", "¿Cuándo sale la nueva versión?"),
    ("neutral", "Hvordan ændrer jeg min e-mail?"),
    ("neutral", "Finnes appen på norsk?"),
    ("neutral", "Miten vaihdan kielen?"),
    ("neutral", "Cum pot schimba parola?"),
    ("neutral", "Hogyan tudom törölni a fiókomat?"),
    ("neutral", "Υπάρχει έκδοση για υπολογιστή;"),  # noqa: RUF001
    ("neutral", "パスワードの変更方法を教えてください"),
    ("neutral", "다크 모드가 있나요?"),
    ("neutral", "有没有电脑版？"),  # noqa: RUF001
    ("neutral", "Làm sao để đổi ngôn ngữ?"),
    ("neutral", "kya isme dark mode hai?"),
    ("neutral", "Ik gebruik de app op mijn werk"),
    ("neutral", "Zainstalowałem wczoraj"),
    ("neutral", "Jag har två konton"),
    ("neutral", "Uso no meu celular Android"),
    ("neutral", "Ho aggiornato stamattina"),
    ("neutral", "J'utilise la version web"),
    ("neutral", "Ich habe eine Frage zur Rechnung"),
    ("neutral", "Tengo dos dispositivos"),
    ("neutral", "Dün yükledim, deniyorum"),
]


def _variant(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return text.upper()
    if roll < 0.3:
        return text.lower()
    return text


def rows(per_label: int = 140, seed: int = 13) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    found: list[tuple[str, str]] = []
    for label, templates in (("positive", POSITIVE), ("negative", NEGATIVE), ("neutral", NEUTRAL)):
        seen: set[str] = set()
        while len(seen) < per_label:
            thing = rng.choice(THINGS)
            text = rng.choice(templates).format(t=thing, T=thing[0].upper() + thing[1:])
            seen.add(_variant(rng, text))
        found += [(label, text) for text in sorted(seen)]
    found += OTHER + HANDWRITTEN + MULTILINGUAL
    return found


def main() -> None:
    path = ROOT / "tests" / "data" / "sentiment_train.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["label", "message"])
        writer.writerows(rows())
    print(f"{path}: {len(rows())} rows")


if __name__ == "__main__":
    main()
