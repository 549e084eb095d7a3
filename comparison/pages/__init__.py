"""What each page shows (view-models): assembled from `comparison.selectors` and pure
aggregation, with the figures from `comparison.charts`; cached where a page is costly.
Views render these and hold no logic of their own.

- `report`: the reflection report (report page, shared page, HTML export);
- `dashboard`: the workspace discrepancy dashboard, with its `blind_spots` and
  `dashboard_perspectives` sections;
- `perspectives`: several teams' perspectives on one customer workshop;
- `rounds`: what changed between two rounds of a persona, and its trend;
- `participants`: per-author overconfidence of one report;
- `note_matching`: the engine run inside a request (lexical, bounded, cached).
"""
