"""The demo workspaces `make run` loads, one in English and one in German (`WORKSPACES`).

Each persona's customer map is paired with several teams' internal maps (sales,
management, the front line), so the dashboard and the round pages show the perspectives
side by side; management, as so often, overestimates its customers. The teams write
abstract hypotheses, the customers tell concrete stories, and both dot-vote; the German
workspace is written as a German team and German customers would write it (its notes
are data, not interface text: they are not translated)."""

from __future__ import annotations

import datetime

DEMO_USERNAME = "demo"
DEMO_WORKSPACE = "Demo: Northwind Software"
DEMO_WORKSPACE_DE = "Demo: Nordwind Software (Deutsch)"

# (segment, text, votes)
Notes = list[tuple[str, str, int]]

JANE_INTERNAL: Notes = [
    ("sees", "Competitors offering all-in-one procurement suites", 3),
    ("sees", "Piles of supplier quotes in different formats", 2),
    ("sees", "Dashboards full of numbers nobody trusts", 1),
    ("sees", "Budget cuts announced by the CFO", 2),
    ("says_does", "Asks for a discount in every negotiation", 4),
    ("says_does", "Compares at least three offers before signing", 3),
    ("says_does", "Exports everything to Excel", 2),
    ("says_does", "Says the current tool is good enough", 1),
    ("hears", "Colleagues complain about slow approvals", 3),
    ("hears", "The CFO wants savings of 10% this year", 2),
    ("hears", "Peers recommend switching to a big vendor", 1),
    ("thinks_feels", "Worried about making the wrong vendor decision", 4),
    ("thinks_feels", "Feels procurement is not seen as strategic", 3),
    ("thinks_feels", "Wants to be seen as the one who saves money", 2),
    ("pains", "Too many tools that don't talk to each other", 5),
    ("pains", "Approval workflows take weeks", 4),
    ("pains", "Price is the main obstacle", 3),
    ("pains", "Afraid of high implementation costs", 2),
    ("gains", "One place for all supplier data", 4),
    ("gains", "Approvals done in a day", 3),
    ("gains", "Recognition from management", 2),
    ("gains", "Lower prices from suppliers", 2),
]

JANE_CUSTOMER: Notes = [
    ("sees", "Supplier quotes arrive as PDFs, emails and spreadsheets", 3),
    ("sees", "Other departments buying tools without asking procurement", 4),
    ("sees", "Reports that contradict each other", 2),
    ("says_does", "Never asks for a discount, asks for better payment terms", 3),
    ("says_does", "Exports data to Excel to double-check it", 3),
    ("says_does", "Calls suppliers to chase missing documents", 2),
    ("hears", "Colleagues complain that approvals are slow", 4),
    ("hears", "IT says every new tool is a security risk", 3),
    ("hears", "Auditors ask for a complete paper trail", 2),
    ("thinks_feels", "Afraid of picking the wrong vendor and being blamed", 5),
    ("thinks_feels", "Frustrated that procurement is treated as a cost centre", 3),
    ("thinks_feels", "Proud when a difficult contract closes", 1),
    ("pains", "Too many tools that do not talk to each other", 5),
    ("pains", "Approval chains take weeks because of missing signatures", 4),
    ("pains", "Worried the costs of a migration will explode", 3),
    ("pains", "Compliance audits eat a whole month every year", 3),
    ("gains", "A single source of truth for supplier data", 5),
    ("gains", "Approvals within one day", 4),
    ("gains", "Time for strategic negotiations instead of paperwork", 3),
    ("gains", "Passing audits without stress", 2),
]

# Management's view of Jane: strategy and features, little of her daily work.
JANE_MANAGEMENT: Notes = [
    ("sees", "A market moving to AI-driven procurement platforms", 3),
    ("sees", "Our brand as the obvious market leader", 2),
    ("says_does", "Asks for a demo of the newest features", 3),
    ("says_does", "Asks for a discount in every negotiation", 2),
    ("hears", "Analysts praising our product roadmap", 2),
    ("hears", "The CFO wants savings of 10% this year", 2),
    ("thinks_feels", "Excited about digital transformation", 3),
    ("thinks_feels", "Sees us as a strategic partner", 2),
    ("pains", "Price is the main obstacle", 4),
    ("pains", "Missing features compared to competitors", 3),
    ("pains", "Too many tools that don't talk to each other", 2),
    ("gains", "More features in one package", 3),
    ("gains", "A modern user interface", 2),
    ("gains", "Recognition from management", 1),
]

# The support team talks to procurement leads every day.
JANE_FRONT_LINE: Notes = [
    ("sees", "Quotes arriving as PDFs, emails and spreadsheets", 3),
    ("sees", "Departments buying their own tools without procurement", 2),
    ("says_does", "Exports data to Excel to check it again", 3),
    ("says_does", "Chases suppliers by phone for missing documents", 2),
    ("hears", "Colleagues complaining that approvals are slow", 3),
    ("hears", "IT warning that every new tool is a security risk", 2),
    ("thinks_feels", "Afraid of being blamed for picking the wrong vendor", 4),
    ("thinks_feels", "Wants procurement to be taken seriously", 2),
    ("pains", "Approval chains stuck for weeks on missing signatures", 4),
    ("pains", "Audits eat a whole month every year", 3),
    ("pains", "Too many tools that do not talk to each other", 3),
    ("gains", "Approvals within a day", 3),
    ("gains", "One source of truth for supplier data", 4),
    ("gains", "Passing audits without stress", 2),
]

JANE = {
    "name": "Jane, procurement lead",
    "description": "Head of procurement at a 400-person manufacturer; owns the tool budget.",
    "rounds": [
        {
            "internal": [
                {
                    "title": "Sales & marketing hypotheses",
                    "team": "Sales",
                    "held_on": datetime.date(2026, 9, 8),
                    "facilitator": "Mara Jensen",
                    "participants": "Sales team, marketing, product management",
                    "notes": JANE_INTERNAL,
                },
                {
                    "title": "Management hypotheses",
                    "team": "Management",
                    "held_on": datetime.date(2026, 9, 10),
                    "facilitator": "Mara Jensen",
                    "participants": "CEO, CFO, head of product",
                    "notes": JANE_MANAGEMENT,
                },
                {
                    "title": "Customer support hypotheses",
                    "team": "Front line",
                    "held_on": datetime.date(2026, 9, 11),
                    "facilitator": "Mara Jensen",
                    "participants": "Support desk, onboarding team",
                    "notes": JANE_FRONT_LINE,
                },
            ],
            "customer": {
                "title": "Customer workshop, Hamburg",
                "held_on": datetime.date(2026, 10, 6),
                "facilitator": "Mara Jensen",
                "participants": "Six procurement leads from customer companies",
                "notes": JANE_CUSTOMER,
            },
        }
    ],
}

# --- the English workspace's second persona: Luke, who runs a wholesaler's warehouse ---------

LUKE_SALES: Notes = [
    ("sees", "Many vendors with similar features", 2),
    ("sees", "A pile of delivery notes on the desk", 3),
    ("sees", "Outdated software in the warehouse", 2),
    ("says_does", "Always asks about the price first", 4),
    ("says_does", "Would rather phone than write emails", 2),
    ("says_does", "Prints delivery notes and ticks them off by hand", 2),
    ("hears", "The boss says going digital is a must", 3),
    ("hears", "Suppliers complain about delays", 2),
    ("thinks_feels", "Worried about not keeping up with new technology", 4),
    ("thinks_feels", "Wants to leave work on time", 2),
    ("pains", "Worried the costs will explode", 4),
    ("pains", "Typing errors in data entry", 3),
    ("pains", "Too many questions from customers", 2),
    ("gains", "Less paperwork", 4),
    ("gains", "Faster deliveries", 3),
    ("gains", "One system for everything", 2),
]

LUKE_MANAGEMENT: Notes = [
    ("sees", "Competitors using modern warehouse robots", 2),
    ("sees", "Many vendors with similar features", 1),
    ("says_does", "Always asks about the price first", 3),
    ("says_does", "Wants to try every new feature at once", 2),
    ("hears", "The trade press praising AI in the warehouse", 1),
    ("thinks_feels", "Excited about artificial intelligence", 3),
    ("thinks_feels", "Sees us as a strategic partner", 2),
    ("pains", "Afraid of high costs", 3),
    ("pains", "Missing features compared to competitors", 3),
    ("gains", "A fully automated warehouse", 3),
    ("gains", "Recognition from the board", 2),
    ("gains", "Less paperwork", 1),
]

LUKE_CUSTOMER: Notes = [
    (
        "sees",
        "Every morning a pile of delivery notes on the desk before the first lorry arrives",
        3,
    ),
    ("sees", "The hand scanner fails twice a week, then it is back to paper slips", 3),
    ("sees", "The competitor next door delivers the same day, we deliver the next", 2),
    ("says_does", "“Price is not the problem if the service is right.”", 3),
    ("says_does", "Phones suppliers instead of emailing: “Then I know it got through.”", 2),
    ("says_does", "Keeps his own list on paper next to the system, “in case it hangs again”", 3),
    ("hears", "Management says: “We will be paperless by the end of the year.”", 3),
    ("hears", "Customers complain on the phone about wrong deliveries", 4),
    ("hears", "The warehouse staff: “You cannot use the tablet with gloves on.”", 2),
    (
        "thinks_feels",
        "Worried about not keeping up with the new technology in front of the team",
        4,
    ),
    ("thinks_feels", "Proud of a team that delivers on time even in chaos", 2),
    ("thinks_feels", "Afraid a switch-over would wreck the Christmas rush", 3),
    ("pains", "Three pallets went to the wrong customer: typing errors in data entry", 4),
    ("pains", "Worried the costs of licences and the switch-over will explode", 4),
    ("pains", "Training happens during shifts, so people are missing at the loading bay", 3),
    ("gains", "Less paperwork every day, more time for the team", 4),
    ("gains", "Leaving work on time, even in December", 3),
    ("gains", "A whole week without a wrong delivery", 3),
]

LUKE = {
    "name": "Luke, warehouse manager",
    "description": "Runs the warehouse of a plumbing wholesaler with 30 staff near Leeds.",
    "rounds": [
        {
            "internal": [
                {
                    "title": "Sales hypotheses",
                    "team": "Sales",
                    "held_on": datetime.date(2026, 9, 15),
                    "facilitator": "Tom Baker",
                    "participants": "Inside sales, field sales",
                    "notes": LUKE_SALES,
                },
                {
                    "title": "Management hypotheses",
                    "team": "Management",
                    "held_on": datetime.date(2026, 9, 16),
                    "facilitator": "Tom Baker",
                    "participants": "CEO, head of finance",
                    "notes": LUKE_MANAGEMENT,
                },
            ],
            "customer": {
                "title": "Customer workshop, Leeds",
                "held_on": datetime.date(2026, 10, 20),
                "facilitator": "Tom Baker",
                "participants": "Five warehouse managers from customer companies",
                "notes": LUKE_CUSTOMER,
            },
        }
    ],
}
PERSONAS = [JANE, LUKE]


# --- the German workspace: Lukas, who runs a wholesaler's warehouse --------------------------

# The sales team's hypotheses: what sales hears in pitches, put in general terms.
LUKAS_SALES: Notes = [
    ("sees", "Viele Anbieter mit ähnlichen Funktionen", 2),
    ("sees", "Stapel von Lieferscheinen auf dem Schreibtisch", 3),
    ("sees", "Veraltete Software im Lager", 2),
    ("sees", "Konkurrenz, die schneller liefert", 1),
    ("says_does", "Fragt immer zuerst nach dem Preis", 4),
    ("says_does", "Ruft lieber an, als E-Mails zu schreiben", 2),
    ("says_does", "Druckt Lieferscheine aus und hakt sie von Hand ab", 2),
    ("says_does", "Sagt, das alte System reicht doch", 1),
    ("hears", "Der Chef sagt, Digitalisierung ist Pflicht", 3),
    ("hears", "Kollegen schwärmen von einer neuen App", 1),
    ("hears", "Lieferanten klagen über Verzögerungen", 2),
    ("thinks_feels", "Sorge, mit der neuen Technik nicht Schritt zu halten", 4),
    ("thinks_feels", "Fühlt sich von der Geschäftsführung allein gelassen", 3),
    ("thinks_feels", "Möchte pünktlich Feierabend machen", 2),
    ("pains", "Sorge, dass die Kosten explodieren", 4),
    ("pains", "Zahlendreher bei der Dateneingabe", 3),
    ("pains", "Zu viele Rückfragen von Kunden", 2),
    ("pains", "Die Einarbeitung neuer Leute dauert zu lange", 2),
    ("gains", "Weniger Papierkram", 4),
    ("gains", "Schnellere Lieferungen", 3),
    ("gains", "Ein System für alles", 2),
    ("gains", "Anerkennung durch die Geschäftsführung", 1),
]

# Management's view: technology and strategy, little of the daily work in the warehouse.
LUKAS_MANAGEMENT: Notes = [
    ("sees", "Moderne Lagerroboter bei der Konkurrenz", 2),
    ("sees", "Viele Anbieter mit ähnlichen Funktionen", 1),
    ("says_does", "Fragt immer zuerst nach dem Preis", 3),
    ("says_does", "Will jede neue Funktion sofort ausprobieren", 2),
    ("hears", "Der Chef sagt, Digitalisierung ist Pflicht", 2),
    ("hears", "Die Fachpresse lobt künstliche Intelligenz im Lager", 1),
    ("thinks_feels", "Begeistert von künstlicher Intelligenz", 3),
    ("thinks_feels", "Sieht uns als strategischen Partner", 2),
    ("pains", "Angst vor hohen Kosten", 3),
    ("pains", "Fehlende Funktionen im Vergleich zur Konkurrenz", 3),
    ("gains", "Ein vollautomatisches Lager", 3),
    ("gains", "Anerkennung durch die Geschäftsführung", 2),
    ("gains", "Weniger Papierkram", 1),
]

# Customer service talks to warehouse managers every day, and it shows.
LUKAS_SERVICE: Notes = [
    ("sees", "Lieferscheine und Zettel, die sich auf dem Schreibtisch stapeln", 3),
    ("sees", "Scanner, die ständig ausfallen", 2),
    ("says_does", "Ruft lieber an, statt E-Mails zu schreiben", 2),
    ("says_does", "Führt nebenher Listen auf Papier", 3),
    ("hears", "Kunden beschweren sich über falsche Lieferungen", 4),
    ("hears", "Die Lagerarbeiter finden die Geräte umständlich", 2),
    ("thinks_feels", "Sorge, mit neuer Technik nicht Schritt zu halten", 3),
    ("thinks_feels", "Stolz auf sein eingespieltes Team", 2),
    ("pains", "Tippfehler bei der Dateneingabe von Hand", 4),
    ("pains", "Schulungen kosten zu viel Zeit", 3),
    ("pains", "Die Inventur frisst jedes Jahr Wochenenden", 2),
    ("gains", "Fehlerfreie Lieferungen", 3),
    ("gains", "Pünktlich Feierabend, auch in der Hochsaison", 3),
]

# The customer workshop in Cologne: five warehouse managers and their own stories.
LUKAS_CUSTOMER: Notes = [
    (
        "sees",
        "Jeden Morgen ein Stapel Lieferscheine auf dem Schreibtisch, bevor der erste Lkw kommt",
        3,
    ),
    (
        "sees",
        "Der Handscanner fällt zweimal die Woche aus, dann wird wieder auf Zetteln notiert",
        3,
    ),
    ("sees", "Der Wettbewerber nebenan liefert am selben Tag, wir erst am nächsten", 2),
    ("sees", "Excel-Listen, die jeder Schichtleiter anders führt", 2),
    ("says_does", "„Der Preis ist nicht das Problem, wenn der Service stimmt.“", 3),
    ("says_does", "Ruft beim Lieferanten an statt zu mailen: „Dann weiß ich, dass es ankommt.“", 2),
    (
        "says_does",
        "Führt eine eigene Liste auf Papier neben dem System, „falls es wieder hängt“",
        3,
    ),
    ("says_does", "Geht vor Schichtbeginn selbst durch die Regalgänge und zählt nach", 1),
    ("hears", "Die Geschäftsführung sagt: „Bis Jahresende sind wir papierlos.“", 3),
    ("hears", "Kunden beschweren sich am Telefon über falsch gelieferte Ware", 4),
    ("hears", "Die Lagerarbeiter: „Mit Handschuhen kann man das Tablet nicht bedienen.“", 2),
    (
        "thinks_feels",
        "Sorge, mit der neuen Technik nicht Schritt zu halten und vor dem Team dumm dazustehen",
        4,
    ),
    ("thinks_feels", "Stolz auf das eingespielte Team, das auch im Chaos pünktlich liefert", 2),
    ("thinks_feels", "Angst, dass eine Umstellung das Weihnachtsgeschäft ins Chaos stürzt", 3),
    (
        "pains",
        "Drei Paletten an den falschen Kunden – ein Zahlendreher bei der Dateneingabe",
        4,
    ),
    ("pains", "Sorge, dass die Kosten für Lizenzen und Umstellung explodieren", 4),
    ("pains", "Schulungen laufen während der Schicht, dann fehlen Leute an der Rampe", 3),
    ("pains", "Die Inventur kostet jedes Jahr zwei volle Wochenenden", 3),
    ("gains", "Weniger Papierkram im Alltag, mehr Zeit für das Team", 4),
    ("gains", "Pünktlich nach Hause gehen, auch im Dezember", 3),
    ("gains", "Eine ganze Woche ohne Falschlieferung", 3),
    ("gains", "Ein Scanner, der einfach funktioniert", 2),
]

LUKAS = {
    "name": "Lukas, Lagerleiter",
    "description": (
        "Leitet das Lager eines Sanitärgroßhändlers bei Köln mit 30 Mitarbeitenden; "
        "entscheidet über die Lagersoftware mit."
    ),
    "rounds": [
        {
            "internal": [
                {
                    "title": "Hypothesen Vertrieb",
                    "team": "Vertrieb",
                    "held_on": datetime.date(2026, 9, 15),
                    "facilitator": "Jonas Weber",
                    "participants": "Vertriebsinnendienst, Außendienst, Produktmanagement",
                    "notes": LUKAS_SALES,
                },
                {
                    "title": "Hypothesen Geschäftsführung",
                    "team": "Geschäftsführung",
                    "held_on": datetime.date(2026, 9, 16),
                    "facilitator": "Jonas Weber",
                    "participants": "Geschäftsführung, kaufmännische Leitung",
                    "notes": LUKAS_MANAGEMENT,
                },
                {
                    "title": "Hypothesen Kundenservice",
                    "team": "Kundenservice",
                    "held_on": datetime.date(2026, 9, 17),
                    "facilitator": "Jonas Weber",
                    "participants": "Support-Hotline, Onboarding-Team",
                    "notes": LUKAS_SERVICE,
                },
            ],
            "customer": {
                "title": "Kundenworkshop Köln",
                "held_on": datetime.date(2026, 10, 20),
                "facilitator": "Jonas Weber",
                "participants": "Fünf Lagerleiterinnen und Lagerleiter aus Kundenbetrieben",
                "notes": LUKAS_CUSTOMER,
            },
        }
    ],
}

# The German workspace's second persona: Sabine, head of purchasing, as Jane is in English.

SABINE_SALES: Notes = [
    ("sees", "Wettbewerber mit Komplettlösungen für den Einkauf", 3),
    ("sees", "Angebote von Lieferanten in allen möglichen Formaten", 2),
    ("sees", "Budgetkürzungen durch den Finanzchef", 2),
    ("says_does", "Verlangt in jeder Verhandlung Rabatt", 4),
    ("says_does", "Vergleicht mindestens drei Angebote vor der Unterschrift", 3),
    ("says_does", "Exportiert alles nach Excel", 2),
    ("hears", "Kollegen beschweren sich über langsame Freigaben", 3),
    ("hears", "Der Finanzchef will dieses Jahr zehn Prozent sparen", 2),
    ("thinks_feels", "Angst, den falschen Anbieter zu wählen", 4),
    ("thinks_feels", "Fühlt sich als Einkauf nicht strategisch wahrgenommen", 3),
    ("pains", "Zu viele Tools, die nicht miteinander reden", 5),
    ("pains", "Freigaben dauern Wochen", 4),
    ("pains", "Der Preis ist das größte Hindernis", 3),
    ("gains", "Alle Lieferantendaten an einem Ort", 4),
    ("gains", "Freigaben an einem Tag", 3),
    ("gains", "Anerkennung durch die Geschäftsführung", 2),
]

SABINE_MANAGEMENT: Notes = [
    ("sees", "Ein Markt, der auf KI-gestützte Einkaufsplattformen umsteigt", 3),
    ("sees", "Unsere Marke als klaren Marktführer", 2),
    ("says_does", "Will eine Demo der neuesten Funktionen sehen", 3),
    ("says_does", "Verlangt in jeder Verhandlung Rabatt", 2),
    ("hears", "Analysten loben unsere Produkt-Roadmap", 2),
    ("thinks_feels", "Begeistert von der digitalen Transformation", 3),
    ("thinks_feels", "Sieht uns als strategischen Partner", 2),
    ("pains", "Der Preis ist das größte Hindernis", 4),
    ("pains", "Fehlende Funktionen im Vergleich zur Konkurrenz", 3),
    ("gains", "Mehr Funktionen in einem Paket", 3),
    ("gains", "Eine moderne Oberfläche", 2),
]

SABINE_CUSTOMER: Notes = [
    ("sees", "Angebote kommen als PDF, per E-Mail und als Excel-Tabelle", 3),
    ("sees", "Fachabteilungen kaufen Software, ohne den Einkauf zu fragen", 4),
    ("sees", "Zwei Berichte zum selben Lieferanten mit unterschiedlichen Zahlen", 2),
    ("says_does", "„Rabatt? Viel wichtiger sind mir längere Zahlungsziele.“", 3),
    ("says_does", "Exportiert die Daten nach Excel, um sie noch einmal zu prüfen", 3),
    ("says_does", "Telefoniert Lieferanten hinterher, wenn Unterlagen fehlen", 2),
    ("hears", "Kollegen beschweren sich, dass Freigaben ewig dauern", 4),
    ("hears", "Die IT sagt: „Jedes neue Tool ist ein Sicherheitsrisiko.“", 3),
    ("hears", "Die Wirtschaftsprüfer wollen eine lückenlose Dokumentation", 2),
    ("thinks_feels", "Angst, den falschen Anbieter zu wählen und dafür geradestehen zu müssen", 5),
    ("thinks_feels", "Ärgert sich, dass der Einkauf nur als Kostenstelle gilt", 3),
    ("thinks_feels", "Stolz, wenn ein schwieriger Vertrag unter Dach und Fach ist", 1),
    ("pains", "Zu viele Tools, die nicht miteinander reden: freitags Daten von Hand abgleichen", 5),
    ("pains", "Freigaben hängen wochenlang, weil eine Unterschrift fehlt", 4),
    ("pains", "Die Jahresprüfung frisst jedes Jahr einen ganzen Monat", 3),
    ("gains", "Alle Lieferantendaten an einem Ort, auf die sich alle verlassen", 5),
    ("gains", "Freigaben innerhalb eines Tages", 4),
    ("gains", "Zeit für strategische Verhandlungen statt Papierkram", 3),
]

SABINE = {
    "name": "Sabine, Einkaufsleiterin",
    "description": (
        "Leitet den Einkauf eines Maschinenbauers mit 400 Mitarbeitenden; verwaltet das "
        "Budget für Software."
    ),
    "rounds": [
        {
            "internal": [
                {
                    "title": "Hypothesen Vertrieb",
                    "team": "Vertrieb",
                    "held_on": datetime.date(2026, 9, 22),
                    "facilitator": "Jonas Weber",
                    "participants": "Vertrieb, Marketing",
                    "notes": SABINE_SALES,
                },
                {
                    "title": "Hypothesen Geschäftsführung",
                    "team": "Geschäftsführung",
                    "held_on": datetime.date(2026, 9, 23),
                    "facilitator": "Jonas Weber",
                    "participants": "Geschäftsführung, Leitung Produktmanagement",
                    "notes": SABINE_MANAGEMENT,
                },
            ],
            "customer": {
                "title": "Kundenworkshop München",
                "held_on": datetime.date(2026, 10, 27),
                "facilitator": "Jonas Weber",
                "participants": "Sechs Einkaufsleiter und Einkaufsleiterinnen von Kunden",
                "notes": SABINE_CUSTOMER,
            },
        }
    ],
}

PERSONAS_DE = [LUKAS, SABINE]

# The demo workspaces by language: the name `load_demo` finds each by, and its personas.
WORKSPACES: dict[str, dict] = {
    "en": {"name": DEMO_WORKSPACE, "personas": PERSONAS},
    "de": {"name": DEMO_WORKSPACE_DE, "personas": PERSONAS_DE},
}
