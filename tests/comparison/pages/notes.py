"""The notes the page tests write (hypotheses and customer notes), and a hostile string."""

from maps.services import NoteData

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

TOOLS = NoteData("pains", "Too many tools that do not talk to each other", author="Ann")
PRICE = NoteData("pains", "Worried about the price of the licence", votes=2, author="Ann")
ONBOARDING = NoteData("pains", "Onboarding new staff takes weeks", votes=4)
APP = NoteData("gains", "Wants a mobile app for approvals", author="Bob")
REPORTING = NoteData("gains", "Wants monthly reporting at the push of a button", author="Bob")
