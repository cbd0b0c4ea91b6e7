"""The dialogue's flows, one module each.

Every flow module declares:
- `State`, a StrEnum of its steps ("flow.step", stored in the conversation row);
- its data, a dataclass kept by `Turn.go` / read by `Turn.flow_data` (no free-form keys);
- its questions (`bot.desk.questions.Question`), each with its choices and typed words;
- `ACTIONS`: action prefix → handler, for buttons and for typed answers alike;
- `QUESTIONS`: step → the question a typed reply in that step may answer (or a function of
  the turn that builds it, when its choices were gathered: "which do you mean?");
- optionally `TEXT_STEPS`: step → a handler of free text (a register number, a surname)
  that returns False when the text is something else, a new message;
- optionally `RESUMABLE`: steps whose question a reply may still answer a message or two
  after another question took over ("хуваарь?" → "вебинарт яаж орох вэ?" → "5 дахь жил");
- optionally `BACK`: step → what asks the step before it, for "буцах"/"back" typed there
  (an ESIS tapped by mistake at "what is lost?" asks "which system?" again); elsewhere
  "back" shows the menu.

The desk (bot/desk/engine.py) gathers these maps and owns only the turn around them.
"""
