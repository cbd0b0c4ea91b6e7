"""The language data of the normalizer, kept apart from the code so a linguist can extend it.

Every table is plain Mongolian (or chat-Latin) text. The code in normalize.py folds the
Cyrillic entries itself (ө→о, ү→у, …), so write them as a teacher would, with the proper
letters; both vowel-harmony variants may be listed, duplicates do no harm.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """A table written as whitespace-separated words."""
    return frozenset(text.split())


# Letters from other alphabets that people type instead of Mongolian ones, in any word.
LOOKALIKE_LETTERS: dict[str, str] = {
    "є": "ө",
    "Є": "Ө",  # Ukrainian ye, the usual stand-in for ө
    "ї": "ү",
    "Ї": "Ү",
    "ұ": "у",
    "Ұ": "У",  # Kazakh
    "ә": "э",
    "Ә": "Э",
    "һ": "х",
    "Һ": "Х",
    "қ": "к",
    "Қ": "К",
    "ң": "н",
    "Ң": "Н",
    "ғ": "г",
    "Ғ": "Г",
    "і": "и",
    "І": "И",
    "ў": "у",
    "Ў": "У",
    "ѳ": "ө",
    "Ѳ": "Ө",  # Old Cyrillic fita, drawn like ө
    "ɵ": "ө",
    "Ɵ": "Ө",  # Latin barred o
}

# Latin letters that look like Cyrillic ones; used inside a word that is mostly Cyrillic.
# Upper-case forms matter: "H" is Н and "B" is В there, while "h" and "b" are not look-alikes.
LATIN_TO_CYRILLIC_LOOKALIKE: dict[str, str] = {
    "a": "а",
    "A": "А",
    "e": "е",
    "E": "Е",
    "o": "о",
    "O": "О",
    "p": "р",
    "P": "Р",
    "c": "с",
    "C": "С",
    "x": "х",
    "X": "Х",
    "y": "у",
    "Y": "Ү",
    "k": "к",
    "K": "К",
    "M": "М",
    "T": "Т",
    "H": "Н",
    "B": "В",
    "v": "ү",
    "V": "Ү",
    "u": "ү",
    "i": "и",
}

# The reverse, used inside a word that is mostly Latin ("nuuts ugее" typed with Cyrillic е).
CYRILLIC_TO_LATIN_LOOKALIKE: dict[str, str] = {
    "а": "a",
    "А": "A",
    "е": "e",
    "Е": "E",
    "о": "o",
    "О": "O",
    "р": "p",
    "Р": "P",
    "с": "c",
    "С": "C",
    "х": "x",
    "Х": "X",
    "у": "y",
    "У": "Y",
    "к": "k",
    "К": "K",
    "М": "M",
    "Т": "T",
    "Н": "H",
    "В": "B",
}

# Whole chat-Latin words that letter rules would get wrong: abbreviations and loanwords.
LATIN_WORDS: dict[str, str] = {
    "hn": "хүн",  # "hn bn uu": is there a person?
    "bn": "байна",
    "bna": "байна",
    "bnaa": "байна",
    "baina": "байна",
    "bnu": "байна уу",
    "bnuu": "байна уу",
    "bainuu": "байна уу",
    "bgaa": "байгаа",
    "bga": "байгаа",
    "bgan": "байгаа юм",
    "bsn": "байсан",
    "bh": "байх",
    "zgr": "зүгээр",
    "zugeer": "зүгээр",
    "ymr": "ямар",
    "ymar": "ямар",
    "yu": "юу",
    "yum": "юм",
    "ym": "юм",
    "yumuu": "юм уу",
    "ve": "вэ",
    "be": "бэ",
    "uu": "уу",
    "yaj": "яаж",
    "yaaj": "яаж",
    "gj": "гэж",
    "gsn": "гэсэн",
    "bhgui": "байхгүй",
    "bhq": "байхгүй",
    "mdku": "мэдэхгүй",
    "medku": "мэдэхгүй",
    "chdku": "чадахгүй",
    "chadku": "чадахгүй",
    "tgd": "тэгээд",
    "tgvl": "тэгвэл",
    "hzee": "хэзээ",
    "hze": "хэзээ",
    "hz": "хэзээ",
    "hicheel": "хичээл",
    "mgl": "монгол",
    "thx": "баярлалаа",
    "bye": "баяртай",
    "goodbye": "баяртай",
    "tnx": "баярлалаа",
    "thanks": "баярлалаа",
    "thank": "баярлалаа",
    "barlalaa": "баярлалаа",
    "bayrlaa": "баярлалаа",
    "bayarlalaa": "баярлалаа",
    "baylalaa": "баярлалаа",
    "bayrllaa": "баярлалаа",
    "sps": "баярлалаа",
    "spasibo": "баярлалаа",
    "bayrlalaa": "баярлалаа",
    "hi": "сайн уу",
    "hello": "сайн уу",
    "helo": "сайн уу",
    "emaill": "имэйл",
    "emayl": "имэйл",
    "imeyl": "имэйл",
    "mayl": "имэйл",
    "pass": "нууц үг",
    "pw": "нууц үг",
    "pwd": "нууц үг",
    "passwd": "нууц үг",
    "cert": "батламж",
    "certs": "батламж",
    "sched": "хуваарь",
    "shedule": "хуваарь",
    "schedual": "хуваарь",
    "username": "нэвтрэх нэр",
    "user": "хэрэглэгч",
    "video": "видео",
    "virus": "вирус",
    "zoom": "зоом",
    "google": "гүүгл",
    "gmail": "жимэйл",
    "facebook": "фэйсбүүк",
    "fb": "фэйсбүүк",
    "meet": "мийт",
    "classroom": "классрүм",
    "elearning": "есургалт",
    "learning": "сургалт",
    "esurgalt": "есургалт",
    "link": "линк",
    "online": "онлайн",
    "webinar": "вебинар",
    "ok": "за",
    "okey": "за",
    "admin": "админ",
    "operator": "оператор",
    "covid": "ковид",
    "wifi": "вайфай",
    "account": "бүртгэл",
    "snu": "сайн уу",
    "snuu": "сайн уу",
    "merci": "баярлалаа",
    "mersi": "баярлалаа",
    "rahmet": "баярлалаа",
    "rakhmet": "баярлалаа",
    "raxmet": "баярлалаа",
    "salem": "сайн уу",
    # Kazakh in Latin letters whose transliteration misses KAZAKH_WORDS' Cyrillic
    "ia": "тийм",
    "jyl": "жил",
    "birinshi": "нэгдүгээр",
    "besinshi": "тавдугаар",
    "onynshy": "аравдугаар",
    "oninshi": "аравдугаар",
}

# Bayan-Ölgii's Kazakh teachers greet, thank and ask the common things in Kazakh: its most
# frequent help-desk words, written here in Kazakh (its own letters are read as their
# Mongolian look-alikes, LOOKALIKE_LETTERS), stand for the Mongolian ones.
KAZAKH_WORDS: dict[str, str] = {
    "сәлем": "сайн уу",
    "сәлеметсіз": "сайн байна уу",
    "сәлеметсізбе": "сайн байна уу",
    "салем": "сайн уу",
    "ассалаумағалейкум": "сайн байна уу",
    "ассалаумағалейкүм": "сайн байна уу",
    "рахмет": "баярлалаа",
    "рақмет": "баярлалаа",
    "үлкен": "их",
    "ма": "уу",
    "ме": "уу",
    "па": "уу",
    "пе": "уу",
    "қашан": "хэзээ",
    "қалай": "яаж",
    "қайда": "хаана",
    "қайдан": "хаанаас",
    "кімге": "хэнд",
    "не": "юу",
    "неге": "яагаад",
    "қанша": "хэдэн",
    "мұғалім": "багш",
    "мұғалімдер": "багш нар",
    "мұғалімдерге": "багш нарт",
    "адам": "хүн",
    "тірі": "амьд",
    "керек": "хэрэгтэй",
    "міндетті": "заавал",
    "заң": "хууль",
    "бойынша": "дагуу",
    "құпия": "нууц",
    "сөз": "үг",
    "сөзді": "үгээ",
    "ұмыттым": "мартсан",
    "кесте": "хуваарь",
    "кестесі": "хуваарь",
    "басталады": "эхлэх",
    "көремін": "харах",
    "көруге": "харах",
    "кіре": "нэвтэрч",
    "алмай": "чадахгүй",
    "әдіскер": "арга зүйч",
    "ауыстыру": "солих",
    "почта": "имэйл",
    "почтам": "имэйл",
    "ескі": "хуучин",
    "жаңа": "шинэ",
    "таңдау": "сонгох",
    "қатысу": "оролцох",
    "бітіру": "дуусгах",
    "бүгін": "өнөөдөр",
    "ертең": "маргааш",
    # yes and no, answering the desk's questions
    "иә": "тийм",
    "ия": "тийм",
    "жоқ": "үгүй",
    # the years of work: "бесінші жыл", "1-ші жыл" (the ending is an ordinal marker)
    "бірінші": "нэгдүгээр",
    "бесінші": "тавдугаар",
    "оныншы": "аравдугаар",
    "бес": "тав",
    "жылы": "жилд",
    # the words around getting in and being seen
    "кірдім": "орлоо",
    "кірді": "орлоо",
    "алмадым": "чадсангүй",
    "көрінбейді": "харагдахгүй",
    "көрінбей": "харагдахгүй",
    "білмейді": "мэдэхгүй",
    "білмеймін": "мэдэхгүй",
    "тексеріп": "шалгаад",
    "көрем": "үзье",
    "көрейін": "үзье",
    "болды": "боллоо",
    "қазір": "одоо",
    "өткен": "өнгөрсөн",
    "бірақ": "гэхдээ",
    "мектеп": "сургууль",
    "мектептің": "сургуулийн",
    "маған": "надад",
    "менің": "миний",
    "көп": "их",
    "бар": "байна",
    "хүнмен": "хүнтэй",
    "адаммен": "хүнтэй",
}

# Cyrillic chat spellings written out, and loanword spellings brought to one form.
CYRILLIC_WORDS: dict[str, str] = {
    "бн": "байна",
    "бна": "байна",
    "бну": "байна уу",
    "бнуу": "байна уу",
    "бгаа": "байгаа",
    "бга": "байгаа",
    "бсн": "байсан",
    "згр": "зүгээр",
    "ямр": "ямар",
    "юмуу": "юм уу",
    "гж": "гэж",
    "гсн": "гэсэн",
    "бхгүй": "байхгүй",
    "мдку": "мэдэхгүй",
    "тгд": "тэгээд",
    "юмуў": "юм уу",
    "байнуу": "байна уу",
    "баярлала": "баярлалаа",
    "барлалаа": "баярлалаа",
    "ббаярлалаа": "баярлалаа",
    "гугл": "гүүгл",
    "гүгл": "гүүгл",
    "вэбинар": "вебинар",
    "сну": "сайн уу",
    "снуу": "сайн уу",
    "мерси": "баярлалаа",
    "хэрхэн": "яаж",  # "how", formal: one question word with the everyday one
    "хзэ": "хэзээ",
    "хз": "хэзээ",
    "пасс": "нууц үг",  # whole words: "паспорт" (a passport) is none
    "пассаа": "нууц үгээ",
}

# Chat-Latin letters and digraphs, longest first is applied by the code. The context rules
# for v/w, y and i live in normalize.py because they look at the neighbouring letters.
LATIN_LETTERS: dict[str, str] = {
    "kh": "х",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "ts": "тс",
    "ya": "я",
    "yu": "ю",
    "yo": "ё",
    "ye": "е",
    "o'": "ө",
    "u'": "ү",
    "ö": "ө",
    "ü": "ү",
    "q": "ө",
    "a": "а",
    "b": "б",
    "c": "ц",
    "d": "д",
    "e": "э",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "x": "х",
    "z": "з",
}

# Confusable letters folded to one key, on the FAQ side and the question side alike:
# Latin typing cannot tell these apart, so the matcher must not either.
FOLD_LETTERS: dict[str, str] = {
    "ө": "о",
    "ү": "у",
    "е": "э",
    "ё": "ио",
    "я": "иа",
    "ю": "иу",
    "й": "и",
    "ы": "и",
    "ц": "тс",
    "ь": "",
    "ъ": "",
}

# Particles, fillers and pronouns that say nothing about what the teacher needs.
# Question words (хэзээ, хаана, хэн, яаж, ямар) and negation (үгүй, -гүй) are NOT here.
STOP_WORDS: frozenset[str] = _words(
    """
    уу үү вэ бэ юу бол байна байгаа байх байсан байдаг байгаад юм юмаа юмуу
    нь л ч аа ээ оо өө за заа зээ дээ даа шүү билээ биз бий хө
    би минь миний надад намайг надтай над бид бидний бидэнд манай
    та таны танай тань танд танаас тантай чи чиний чамд чамайг
    энэ тэр эдгээр тэдгээр үүнийг түүнийг үүнд
    гэж гэсэн гээд гэдэг гэв гэх гэнэ гэхээр
    ба болон мөн бас бөгөөд тэгээд гэхдээ харин тэгэхээр тэгвэл хэрэв
    руу рүү луу лүү
    асуух асуулт асуумаар асууя уучлаарай
    """
)

# English function words, read as the chat-Latin table spells them (the → тхэ): English
# questions are matched through the same index. Not "on" (он, a year), "or" (ор, enter),
# "has" (Хас банк): their spellings are Mongolian words.
ENGLISH_STOP_WORDS: str = (
    "the a an i my me to of is are am it its in at for and do does did was were have this "
    "that with you your our so just"
    # a letter's courtesies around its request: "I would appreciate it if you could let me
    # know when …", "Kind regards"
    " would appreciate grateful if let know tell kindly kind regards wondering"
)
# Function words that mark a message as English rather than chat-Latin Mongolian ("I forgot
# my password", "when is the webinar for 5th year teachers?"); none is a chat-Latin word.
ENGLISH_FUNCTION_WORDS: str = ENGLISH_STOP_WORDS + (
    " has how what when where who which why can could please not don't can't i'm will should"
    " about from get there no we us they he she her his their anything nothing nobody if but"
    # … and everyday words chat-Latin never uses ("it says wrong password", "I typed the wrong
    # password too many times"); not "on" (он, the year) nor "be" (бэ)
    " says say said too many much very again keeps keep wrong than been by or any some only"
    " then after before because while happens happened"
)
# Words of the desk's topics that chat-Latin Mongolian does not borrow ("online", "join",
# "password", "email" and "login" it does: "surgalt online uu", "password-oo martsan").
ENGLISH_TOPIC_WORDS: str = (
    "training trainings year years over already until start starts started begin begins end "
    "ends ended finish finished done long forgot forgotten teacher teachers certificate "
    "registered need want change reset talk person still yet tell know does session sessions "
    "course time date dates attend"
)
ENGLISH_SHARE = 0.3  # of a message's words, at least three of them
# Chat-Latin Mongolian's own small words: one of them makes a message Mongolian however
# many English words it borrows ("bi 1st year teacher, training hezee ehleh ve").
CHAT_LATIN_MARKERS: str = (
    "ve uu vv yu bi bn bna baina bainaa hezee yaaj yaj haana ni mini minii gej ym yum "
    "bolohgui chadahgui martsan martchihlaa solih"
)

# What makes a sentence a question or a request, beside "?": the particles, question words
# (any ending: хэзээнээс, хаанаас) and the polite imperative's "өгнө үү". Latin questions
# are read in their own words. A long message's closing thanks or signature has none.
QUESTION_PARTICLES: frozenset[str] = _words("уу үү вэ бэ")
QUESTION_WORDS: frozenset[str] = _words(
    "хэзээ хаана хаашаа хэн яах яаж ямар хэд хэрхэн яагаад ягаад юу туслаач тусална зааж "
    "эсэх тодруул лавла"
)
# Words that begin like one of them and ask nothing: "хэдхэн" (just a few), "хэдийнээ"
# (already), "хэдийгээр" (although); Хэнтий, the aimag, is no "хэн" (who).
NOT_QUESTION_WORDS: frozenset[str] = _words("хэдхэн хэдийн хэдийгээр хэнтий")
ENGLISH_QUESTION_WORDS: frozenset[str] = _words(
    "what how when where who why which can could should please help"
)
# An English question word asks where a question begins: first in its sentence (after these
# openers), or before a verb it inverts or "to" ("what should I do", "how to reset it", a
# modal before its subject: "could you check"). Elsewhere it is a relative or a statement:
# "it is the one where we watch the lessons", "I can log in now", "I can't".
ENGLISH_OPENERS: frozenset[str] = _words("hi hello hey ok okay so and but then also sorry pls")
ENGLISH_ASKED_AFTER: frozenset[str] = _words(
    "do does did can could should will would shall is are was were am s re ll to i you my "
    "your our "  # "how i reset it", written so, asks; "where we watch the lessons" tells
    # … and the training's verbs, as a learner of English asks: "webinar when start 5th year"
    "start starts begin begins end ends finish finishes open opens close closes"
)
ENGLISH_MODALS: frozenset[str] = _words("can could should")
# Requests put indirectly, as a letter does: "I would be grateful if you could let me know
# when …", "I'd like to know …", "I was wondering whether …".
ENGLISH_INDIRECT_ASKING: tuple[str, ...] = (
    "let me know", "tell me", "like to know", "want to know", "need to know", "wondering",
    "grateful if", "appreciate if", "appreciate it if",
)  # fmt: skip
ENGLISH_SUBJECTS: frozenset[str] = _words(
    "i you we it they he she someone somebody anyone anybody"
)

# Stems whose every form is a filler: бай- (байна, байгаа, байвал, байсан …), гэ- (гэж,
# гэсэн, гээд …). With -гүй they still give the negation token.
STOP_STEMS: frozenset[str] = _words("бай гэ")

# A named cohort ("10 дахь жилийн", "анхны жилдээ") is read as this word, which the FAQ
# uses for a cohort ("манай ээлжийн сургалт").
COHORT_WORD: str = "ээлж"
# Words that say a message speaks of someone else ("Манай сургуулийн Оюунаа багш 5 дахь
# жилдээ ажиллаж байгаа, түүний вебинар …", "my colleague is in her 5th year"): the cohort
# it names is theirs, not the writer's own.
SOMEONE_ELSE_WORDS: str = (
    "түүний түүнийх tuunii tuuniih хамт hamt colleague colleagues найзын "
    "naiziin"
)
# A first job said in words is the 1st year: "анх ажилд орсон", "ажилд шинээр орсон",
# "дөнгөж ажилд орлоо", "anh udaa ajild orson". Only a start already made: "ажилд орох"
# (getting a job) is another office's question.
FIRST_TIME_WORDS: str = "анх шинээр дөнгөж саяхан намар"  # "энэ намар л ажилд орсон"
JOB_STARTED_WORDS: str = "орсон ороод орж орчихсон орлоо орчихлоо"
# Any other year of work ("3 дахь жилийн", "дөрөвдүгээр жилдээ") is read as this one word:
# not a cohort, and which one it is does not matter to the question.
OTHER_YEAR_WORD: str = "бусадээлж"

# Words the suffix stripper must leave whole, endings aside ("хэзээнээс" → хэзээ): their
# ending only looks like a suffix (хуваарь would lose -аар and meet хувь), or they carry
# the intent (question words, negation) and must not be cut to something shorter.
PROTECTED_WORDS: frozenset[str] = _words(
    """
    заавал буруу имэйл хэзээ хаана хаашаа хэн хэнд яаж ямар хэд хэдэн хэрхэн яагаад юунд
    үг хуваарь үгүй биш хүн хүмүүс есис оператор админ гүүгл мийт зоом линк онлайн вебинар
    баярлалаа сайн гайхалтай дахин дахиад одоо ээлж
    """
)

# Endings cut off to reach a comparable stem, with both harmony variants. The stripper
# takes the longest that fits, up to three times, and keeps at least MIN_STEM letters.
SUFFIXES: frozenset[str] = _words(
    """
    ийнхээ ынхаа ийнх ынх ийн ын ний ны
    ийг ыг
    аад ээд оод өөд ад од эд өд нд
    аас ээс оос өөс иас иос наас нээс
    аар ээр оор өөр иар гаар гээр
    тай той тэй
    ууд үүд нууд нүүд чууд
    аа ээ оо өө гаа гээ иа
    сан сэн сон сөн
    жээ чээ лаа лээ лоо лөө
    на нэ но нө
    ах эх ох өх хаа хээ хоо хөө хын хийн хад хэд ход хөд хыг хийг
    вал вэл бал бэл вол бөл
    маар мээр моор мөөр мар мэр
    даг дэг дог дөг
    гдсан гдсэн гдах гдэх гдэж гдаж гд
    чих чихсэн чихлаа чихлээ
    уулах үүлэх уулж үүлж уулна үүлнэ уулсан үүлсэн уулъя үүлье уулмаар үүлмээр
    """
)
MIN_STEM: int = 2

# One-letter endings (dative -д/-т, converb -ж/-ч, infinitive -х, past -в) are cut only
# from a bare word and only after the letters they really follow, because many whole
# words end in these letters (сургалт, хүүхэд, батламж).
ONE_LETTER_SUFFIXES: dict[str, str] = {
    "д": "аэиоуөүйлмнь",
    "т": "бвгрс",
    "ж": "аэиоуөүйлнр",
    "ч": "бвгдрс",
    "х": "аэиоуөүй",
    "в": "аэиоуөүй",
}
MIN_STEM_AFTER_ONE_LETTER: int = 3

# Negation, kept as a token of its own because it flips the meaning
# (тэнцсэн "passed" vs тэнцээгүй "did not pass").
NEGATION_SUFFIX: str = "гүй"
NEGATION_WORDS: frozenset[str] = _words("үгүй гүй биш")
# Words that end in -гүй and deny nothing: "гайгүй" (fine, not bad).
NOT_NEGATED_WORDS: frozenset[str] = _words("гайгүй")
NEGATION_TOKEN: str = "гүй"
# What makes a question word after it indefinite: "юу ч" (nothing), "ямар нэг" (some).
INDEFINITE_WORDS: str = "нэг нэгэн ч"
# Conjunctions built on "болох" (because, when): never the yes "боллоо" with an ending, which
# its folded key ("боло") would otherwise let them be ("…компьютерт тааруу хүн болохоор").
CONJUNCTION_WORDS: str = (
    "болохоор болохлоор болохоороо болоход болохоос bolohoor bolhoor"
    " болоод bolood болтол boltol"  # "5 минут болоод" (after five minutes) is no "боллоо"
)
# Words that make a reply to a yes/no question a new question instead ("тэгээд яах вэ?").
ASKING_WORDS: str = "яах яаж юу юун хэзээ хаана хаанаас хэн ямар яагаад хэрхэн"
# Why it is so, asked of an answer just given (new_message._still_failing).
WHY_WORDS: str = "яагаад ягаад yagaad yaagaad why"
# English ones ask opening a reply ("yes, when will it be?"); further in they join a request
# ("yes plz tell me when its done").
ENGLISH_ASKING_WORDS: str = "what how when where why which"
# English no's inside a reply to a yes/no question ("no it didn't", "it doesn't work").
ENGLISH_NEGATIONS: str = (
    "not cannot never don't didn't doesn't can't won't isn't wasn't aren't haven't hasn't "
    "couldn't dont didnt doesnt cant wont isnt couldnt unable"
)

# Spellings of one thing brought to one form, matched at the start of a normalized word
# (so endings stay: "е-сургалтын" → "есургалтын").
SAME_THING: dict[str, str] = {
    "е-сургалт": "есургалт",
    "э-сургалт": "есургалт",
    "эсургалт": "есургалт",
    "е сургалт": "есургалт",
    "э сургалт": "есургалт",
    "и-мэйл": "имэйл",
    "э-мэйл": "имэйл",
    "э-майл": "имэйл",
    "е-мэйл": "имэйл",
    "и-мейл": "имэйл",
    "цахим шуудан": "имэйл",
    "мэйл": "имэйл",
    "мейл": "имэйл",
    "имейл": "имэйл",
    "емайл": "имэйл",
    "имайл": "имэйл",
    "эмэйл": "имэйл",
    "емэйл": "имэйл",
    "эмаил": "имэйл",
    "имаил": "имэйл",
    "маил": "имэйл",
    "эмайл": "имэйл",
    "майл": "имэйл",
    "пассворд": "нууц үг",
    "пасворд": "нууц үг",
    "логин": "нэвтрэх нэр",
    "ээсис": "есис",
    # Russian loanwords, with any ending: "паролоо", "паролийг", "аккаунтаа"
    "пароль": "нууц үг",
    "парол": "нууц үг",
    "аккаунт": "бүртгэл",
    "акаунт": "бүртгэл",
    "расписание": "хуваарь",
    "расписаниэ": "хуваарь",  # Latin "raspisanie"
    "расписани": "хуваарь",  # with an ending: "расписанийг"
    "анкет": "асуулга",
    "анкэт": "асуулга",
    "ссылк": "холбоос",
    "ссулк": "холбоос",  # Latin "ssylka"
    "почт": "имэйл",  # "почтаа солих", Latin "pochta"
    "спасибо большое": "их баярлалаа",
    "спасибо": "баярлалаа",
    "давай": "за",
    "даваи": "за",  # Latin "davai"
    # the desk's things in teachers' own words: the webinar as a "zoom meeting" or a "live
    # lesson", the e-learning site as "the institute's site", ESIS by its old name E-school
    "зум хурал": "вебинар",
    "зум хурл": "вебинар",  # "зум хурлын линк"
    "зоом хурал": "вебинар",
    "зоом хурл": "вебинар",
    "шууд хичээл": "вебинар",
    "цахим хичээл": "цахим сургалт",
    "тсахим хичээл": "цахим сургалт",  # Latin "tsahim hicheel"
    "онлайн курс": "цахим сургалт",
    "институтын сайт": "цахим сургалтын сайт",
    "институтийн сайт": "цахим сургалтын сайт",
    "е-школ": "есис",
    "э-школ": "есис",
    "ешкол": "есис",
    "э-счоол": "есис",  # Latin "e-school"
    "эсчоол": "есис",
}

# Particles, politeness and filler around a typed answer to one of the bot's questions:
# "тийм ээ", "үгүй шүү", "за за", "1 дээ", "English please". They neither choose nor refuse.
ANSWER_FILLERS: str = (
    "ээ аа оо өө шүү даа дээ доо дөө л ш юм биз уу үү вэ бэ байна бн бна байгаа "
    "би надад минь манай хэл хэлээр тэгсэн тэгээд тэгвэл тэгэхээр тэр oh ох please pls the a "
    "that"
)

# Words around a stated fact that add nothing to it: an apology, an introduction, a
# correction, a follow-up. "уучлаарай, би 5 дахь жилийн багш байна", "no, I'm actually in my
# 10th year", "тэгвэл 1 дэх жилийнх яах вэ?". A message of these and a cohort (or a system)
# only states that fact.
STATEMENT_WORDS: str = (
    "уучлаарай уучлаад уучлал өө аан за би бид манай миний намайг багш багшаа багш нар "
    "ажилтан менежер удирдлага нийгмийн ажилтан байна байгаа байлаа байсан юм шүү л ш "
    "андуурсан андуурчихлаа андуурлаа андуурч алдсан буруу зөв биш үгүй тийм ээ аа "
    "ажиллаж ажилладаг ажилласан ажилтай жил жилийн жилдээ жилийнх дахь дэх дугаар р "
    "харин бол нь уг угаасаа ер нь одоо бас тэгвэл ni ийнх ынх iinh "
    "sorry oops oh no yes i im i'm am actually a an the teacher teaching in my of year years "
    "th st "
    "nd rd work working not really but meant mean wrong mistake "
    "гэсэн гэж хэлэх хэлсэн болж болсон боллоо болчихсон "
    "бичсэн бичлээ биччихлээ биччихсэн бичээд бичжээ биччихжээ андуураад андуурчээ ой ай хөөх "
    "тэгвэл тэгээд яах ni and for what about how so then "
    "typed type wrote write written said it is it's its was wait sorry sry my bad again "
    "чинь нөгөөх нөгөө other one "
    "дээр дээрээ дээрх дотор руу рүү луу лүү сайт сайтад сайтынх систем системд системийнх "
    "on at site system "
    "ажилд ороод орсноос хойш болж"
)

# What says the trouble goes on, with no "-гүй" in it ("still Invalid login", "одоо ч гэсэн
# «Хэрэглэгч олдсонгүй» гэж байна" has one): the answer just given, asked again so, failed.
STILL_PHRASES: tuple[str, ...] = (
    "still", "again", "одоо ч", "дахиад л", "л дахиад", "odoo ch", "dahiad l", "l dahiad",
    # "мөн л орж чадахгүй" (the same again), "одоо хүртэл ирээгүй" (not yet, until now)
    "мөн л", "mun l", "muun l", "одоо хүртэл", "odoo hurtel", "одоо болтол", "odoo boltol",
)  # fmt: skip

# What puts a step off for later, said alone ("за болсон, дараа шалгая", "za bolson"): where
# a step waits for details (a register number, a choice), the step is called off.
LATER_PHRASES: tuple[str, ...] = (
    "болсон", "боллоо", "дараа", "дараа шалга", "дараа орно", "дараа үзье", "дараа хэлье",
    "дараа мэдэгдье", "хэсэг хүлээгээд үзье", "хүлээгээд үзье", "хүлээж үзье", "хүлээе",
    "хэсэг хүлээгээд", "хүлээгээд", "оролдоод үзье", "оролдоё", "хийгээд үзье",
    "шалгаад үзье", "үзье",
    "later", "check later", "maybe later", "wait and see", "i will wait", "i will try",
    "i'll try", "let me try", "will try",
)  # fmt: skip

# Every cohort asked for at the year question ("бүгдийнх нь хэрэгтэй", "all of them"): a
# manager's, answered as "Other" is, with every cohort's schedule.
ALL_COHORTS_WORDS: tuple[str, ...] = (
    "бүгд", "бүгдийнх", "бүгдийг", "бүгдийнхийг", "гурвуулаа", "гурвууланг", "гурвуулангийнх",
    "bugd", "bugdiin", "bugdiinh", "all", "all of them", "all three",
)  # fmt: skip

# What says the problem is over ("…менежерээсээ асуугаад оллоо, болсон", "za orchihloo"):
# a clause of only these, acknowledgements and fillers, after an answer, asks nothing more.
WORKED_WORDS: str = (
    "болсон боллоо болчихлоо болчихсон оллоо олчихлоо олдлоо олдчихлоо орлоо орчихлоо "
    "нэвтэрлээ нэвтэрчихлээ шийдэгдлээ шийдэгдсэн чадлаа solved worked works fixed"
)

# Time out of work that may not count towards the year of work ("жирэмсний амралт",
# "хүүхэд асрах чөлөө", "maternity leave", "a year abroad"): beginnings of words.
LEAVE_WORDS: str = "чөлөө амралт chuluu chölöö chuluunuus amralt leave abroad гадаад gadaad"

# A clause that only calls the question off, before the news that it worked ("за хэрэггүй,
# орж чадлаа", "never mind, it works now").
NEVER_MIND_WORDS: str = "хэрэггүй hereggui шаардлагагүй never mind nevermind"

# Said of the teacher by whoever writes for her: "… болчихлоо гэнэ", "she says it works".
REPORTED_WORDS: str = "гэнэ gene she he says said"
# Who it worked for and how, beside the words of success, never alone: "bolchihloo ted orj
# chadlaa", "би нэвтэрч чадлаа".
BESIDE_SUCCESS_WORDS: str = "би бид тэр тэд манайхан bi bid ter ted i we they орж нэвтэрч"

# Passing the answer on, or going to ask the one it is for ("эхнэрээсээ асуугаад хэлье",
# "ээждээ хэлье", "I will show her these steps and come back later"): the question waits.
RELAY_WORDS: str = (
    "хэлье helie асууя асуугаад дамжуулъя үзүүлье явуулъя явуулья yvuulay yvuulya"
)
THANKS_WORDS: str = "баярлалаа баярлаа thanks thank thx tnx"
RELAY_PHRASES: tuple[str, ...] = (
    "хэлээд үзье", "хэлээд үзнэ", "heleed uzey", "heleed uzne",
    "i will tell", "i'll tell", "i will ask", "i'll ask", "i will show", "i'll show",
    "come back", "get back",
)  # fmt: skip

# Who answers: "чи бот уу", "are you a real person or a bot?" asks what the desk is; with a
# word of wanting or talking, or a machine denied ("bot bish hvntei yarimaar bn", "bot bish
# hun bnu?"), it asks for a person instead.
MACHINE_WORDS: str = (
    "бот робот чатбот програм программ хиймэл bot robot chatbot machine program ai"
)
YOU_WORDS: str = "чи та чиний таны you"
PERSON_WORDS: str = "хүн хүнээр person human"
WANTING_WORDS: str = (
    "ярих ярья ярьж ярьмаар yarimaar yarmaar ярилцах холбогдох холбо хэрэгтэй хэрэг хүсэж "
    "хүсэлтэй шилжүүл дамжуул "
    "биш talk speak need want connect transfer"
)

# Reminders turned off in the teacher's own words: a clause naming them ("сануулгыг нь
# зогсоочих", "I don't need the reminders anymore, turn them off") and one of these.
REMINDER_WORDS: str = "сануулга сануулгыг сануулах remind reminder reminders reminding"
REMINDERS_OFF_WORDS: str = (
    "зогсоо болиул больё болич унтраа хэрэггүй авахгүй stop off cancel disable"
)
REMINDERS_UNWANTED_WORDS: str = "don't dont"  # … one of these after it:
REMINDERS_WANTED_WORDS: str = "need want"

# "Both" to a question of several choices ("аль аль нь", "хоёуланг нь мартсан", "both"):
# one choice at a time is asked for.
BOTH_WORDS: str = "хоёулаа хоёуланг хоёулангийнх хоёул hoyulaa hoyuulaa hoyuulang both"
BOTH_PHRASE: str = "аль аль"

# "Wait, I'm looking for it" ("tvr hvleegeerei registree olj bna", "hold on"): the step's
# question stays open for what the teacher is fetching.
WAIT_PHRASES: tuple[str, ...] = (
    "түр хүлээгээрэй", "хүлээгээрэй", "хүлээгээч", "хүлээнэ үү", "хүлээж байгаарай",
    "түр хүлээ", "wait", "hold on", "one moment", "just a moment", "a moment", "one sec",
)  # fmt: skip

# Words that ask whom to turn to ("… асуудлаар хэнд хандах вэ", "who do I contact about
# …"): what is left names the matter, which decides whether it is the desk's.
# … of which these ask whom ("хэнд хандах вэ", "who do I contact"), not only where or what.
WHOM_WORDS: str = "хэнд хэнээс хэнтэй хандах хандана хандвал хандъя who whom"
CONTACT_ASKING_WORDS: str = (
    "хэнд хэнээс хэнтэй хэн хаана хаашаа хандах хандана хандвал хандъя холбогдох холбогдоно "
    "асуудлаар "
    "асуудал талаар вэ бэ уу үү юм who whom where contact turn to about regarding issue "
    "асуух асууя асуувал ask then should i"  # "тэгвэл хэнээс асуух вэ?", "then who should I ask?"
)

# "Understood": the answer read, not yet tried ("за ойлголоо", "ok oilgoloo", "got it"). To
# "solved?" it is no yes, whatever "за" or "ok" it comes with.
UNDERSTOOD_WORDS: str = "ойлголоо ойлгосон ойлгочлоо ойлгочихлоо understood"
# … but "understood" beside a yes is a yes ("тийм ээ ойлголоо").
PLAIN_YES_WORDS: str = "тийм yes yeah yep"

# Words that take back the answer just typed ("Үгүй ээ, уучлаарай, тийм", "no sorry, yes"):
# to a yes/no question, what follows the last of them is the answer.
CHANGE_OF_MIND_WORDS: str = "уучлаарай уучлаад андуурлаа андуурчихлаа sorry sry oops"
# … and, before a fact stated again, these take the last one back ("ugui ugui 10 dahi").
TAKING_BACK_WORDS: str = "үгүй ugui no биш bish"

# What a writer says they still have or know ("нууц үгээ санаж байна", "I remember my
# password"): beginnings of words. A clause with one of these and no "-гүй" or question
# names what is not the problem.
WORKS_WORDS: str = "санаж санана мэдэж мэднэ remember know хэвийн"  # "ESIS маань хэвийн"

# A message that only says a question is coming ("асуулт байна", "bas neg asuult bn", "I have
# a question", "тусламж хэрэгтэй байна", "help me"): the words of asking (beginnings of words)
# and what may stand around them.
ANNOUNCE_WORDS: str = "асуулт асуух асуумаар асууя асуух question ask тусла тусламж help"
ANNOUNCE_AROUND: str = (
    "нэг юм зүйл бас өөр дахиад дахин жаахан жижиг байна байгаа бн бна сайн уу "
    "have got another one more small quick little can may something anything "
    "хэрэгтэй хэрэг хүсье хүсэх хэрэгтэйгээ need needed please me i "
    # "Танаас нэг зүйл асуух гэсэн юм, болох уу?", "багш нарын өмнөөс хэдэн асуулт тавья"
    "танаас tanaas чамаас гэсэн gesen ym тавья тавих tavya хэдэн heden хэдэн хэд болох "
    "boloh өмнөөс umnuus omnoos багш bagsh нарын nariin нарынхаа nariinhaa сургуулийнхаа "
    "surguuliinhaa few "
    "some you on behalf of our teachers"
)
# A clause in which writers give their name ("Намайг Мөнхзул гэдэг", "My name is Sarah
# Miller"): these words and the name itself, a word or two.
NAMING_WORDS: str = "намайг namaig нэр нэрийг ner neriig миний minii гэдэг gedeg гэнэ my name is"

# A button named by its place instead of its label ("эхнийх", "дээд талынх нь", "сүүлийнх",
# "б", "the second one"): the place's index among the question's buttons, "last" the last.
BUTTON_PLACES: dict[str, tuple[str, ...]] = {
    "0": (
        "эхнийх", "эхний", "эхнийх нь", "нэгдүгээр", "нэгдүгээрх", "дээд", "дээд талынх",
        "дээд талын", "дээд тал", "хамгийн дээд", "first", "first one", "top", "top one",
    ),
    "1": (
        "хоёрдугаар", "хоёрдахь", "хоёр дахь", "хоёрдох", "хоёрдахийг", "second",
        "second one", "б",
    ),
    "2": ("гуравдугаар", "гуравдахь", "гурав дахь", "third", "third one", "в"),
    "last": (
        "сүүлийнх", "сүүлийн", "сүүлчийн", "сүүлийнх нь", "хамгийн сүүлийнх", "доод",
        "доод талынх", "доод талын", "доод тал", "хамгийн доод", "last", "last one", "bottom",
    ),
}  # fmt: skip

# A message that only checks someone is there ("байна уу?", "ало", "alo"): a greeting.
PRESENCE_WORDS: str = "байна уу ало алло"
# "How are you?" — a greeting's question, never one for the desk ("ямар байна даа", "hir bn",
# "how are you doing today"): one of the first words, the rest of the second.
HOW_WORDS: str = "how ямар хэр hir сонин"
HOW_ARE_YOU_WORDS: str = (
    "are you r u doing today is it going things байна бна даа сайхан юу уу та чи"
)
BEING_WORDS: str = "байна бна are doing going"  # one of them, so "ямар вэ?" asks no greeting

# A message that only acknowledges ("ok", "за зүгээр", "ok zgr", "ойлголоо", "got it"): no
# question, no answer to a choice; whole words, around the answer fillers.
ACKNOWLEDGEMENT_WORDS: str = (
    "ok okay okey oke okk ок окей окэй за заа зүгээр гайгүй ойлголоо ойлгосон ойлгочлоо "
    "ойлгомжтой тийм тэгье хм хмм ммм аан уучлаарай sorry got it understood fine alright "
    "all right cool yes yeah yep "
    # a moment asked for, mid-step ("ok hvleegeerei, olood bichne": wait, I'll find it)
    "хүлээгээрэй хүлээ хүлээж түр түрхэн олоод хайгаад бичье бичнэ явуулъя явуулна "
    "wait moment minute sec hold find send"
)
# What a question may open with and still be asked ("за баярлалаа одоо ESIS дээрээ хаанаас
# харах вэ"): read whole, the thanks outweighs the question.
OPENING_THANKS: str = (
    "ok okay ок окей за заа ойлголоо ойлгосон ойлгочлоо баярлалаа баярлаа thanks thank you "
    "thx tnx"
)
# An acknowledgement without words: 👍, 🙏, 👌 after an answer.
APPROVING_SYMBOLS: str = "👍🙏👌❤♥💯✅👏🤝💐🌹🙆"
# A reply that asks what the bot's question means ("аль нь вэ?", "what do you mean?"): the
# question again.
# Not understanding (to a question about the answer just given, it is the answer that was
# not understood: "ойлгосонгүй, тэгэхээр би юу хийх ёстой юм бэ" under an answer).
NOT_UNDERSTOOD_PHRASES: tuple[str, ...] = (
    "ойлгосонгүй", "ойлгохгүй", "ойлгоогүй", "ойлгомжгүй", "i don't understand",
    "don't understand", "i don't get it", "don't get it", "unclear", "confusing",
)  # fmt: skip
WHAT_IS_MEANT_PHRASES: tuple[str, ...] = (
    *NOT_UNDERSTOOD_PHRASES,
    "юу гэсэн үг", "юу гэсэн", "юу гэж", "аль нь", "алийг нь", "ямар утгатай",
    "what do you mean", "what does it mean", "what does that mean", "which one", "meaning",
    "ялгаа нь", "ялгаа юу", "ялгаатай юу",
    "difference", "what's the difference",
    # chat-Latin's "ali ni ve" read without its soft signs
    "али ни", "алийг ни", "алиныг ни",
    # the question asked again ("dahiad helech", "sorry, what was the question?")
    "дахиад хэлээч", "дахиад хэлэч", "дахин хэлээч", "дахиад асуугаач", "дахин асуугаач",
    "юу асуусан", "what was the question", "what was your question", "what did you ask",
    "say that again", "say again", "repeat the question", "repeat please",
)  # fmt: skip

# A check of what an answer meant ("тэгэхээр очих шаардлагагүй гэсэн үг үү", "so that means
# I can use my phone?"): asked right after the answer, and about it.
UNDERSTANDING_CHECK_PHRASES: tuple[str, ...] = (
    "гэсэн үг үү", "гэсэн үг биз", "гэсэн үг юм уу", "гэсэн үг байх нь", "гэж ойлгох уу",
    "гэж ойлгож болох уу", "зөв ойлгосон уу", "зөв ойлгож байна уу", "does that mean",
    "does it mean", "so that means", "that means", "so you mean", "you mean",
)  # fmt: skip

# "I don't know", "сайн мэдэхгүй", "not sure": said to a question rather than asked; the
# cohort question's "Not sure" accepts them typed.
UNSURE_PHRASES: tuple[str, ...] = (
    "мэдэхгүй", "мэдку", "мдку", "сайн мэдэхгүй", "мэдэхгүй байна", "мэдэхгүй юм", "мэдэхгүй ээ",
    "итгэлгүй", "санахгүй", "don't know", "i don't know", "dont know", "i dont know", "not sure",
    "i'm not sure", "no idea", "unsure",
)  # fmt: skip

# Words that hedge an answer ("5 байх аа", "10 orchim jil", "maybe 5th", "арав гэж бодож
# байна"): the teacher's best guess, to be taken, not asked again. Said beside "not sure",
# it is no answer.
HEDGE_WORDS: str = (
    "байх байхаа шиг магадгүй орчим гэж бодож бодох болов probably maybe perhaps think "
    "guess around about approximately i"
)

# A reply opening with "but" ("гэхдээ ESIS дээр харагдахгүй байна") goes on from the answer
# just given: what it tells is about that answer.
CONTRAST_WORDS: str = "гэхдээ гэтэл гэвч харин but however yet though"

# At the year question, a reply that asks how to tell the year is as unsure as "мэдэхгүй".
# "Which year": beside a "not sure" ("I don't know which year I am", "хэд дэх жил гэдгээ
# мэдэхгүй"), the reply to the year question is that choice, whatever else it says.
WHICH_YEAR_PHRASES: tuple[str, ...] = (
    "хэд дэх жил", "хэдэх жил", "hed dehi jil", "which year", "what year", "my year",
)  # fmt: skip
HOW_TO_TELL_PHRASES: tuple[str, ...] = (
    "яаж мэдэх", "хэрхэн мэдэх", "хаанаас мэдэх", "yaaj medeh",
    "how do i know", "how can i know", "how to know", "how would i know", "how do i tell",
)  # fmt: skip

# A closing sentence that only asks for an answer ("Хариу өгнө үү.", "хариулаач", "please
# reply"): politeness after the question, not a request of its own (nor for a person).
REPLY_REQUEST_WORDS: str = (
    "хариу хариугаа хариулт хариултаа хариулна хариулаач хариулж хариулах өгнө өгөөч өгөөрэй "
    "хүлээж хүлээе байна уу үү яаралтай түргэн хурдан please reply answer respond asap soon"
)

# Words that ask for a certificate to be checked ("шалгаж өгөөч", "look it up"): beginnings.
CHECK_WORDS: str = "шалга хайж хайх лавлаж check look search"
# "What do I do now?" after an answer, and nothing else: the asking words (beginnings of
# words), and what may stand around them.
WHAT_NEXT_ASKING: str = "яах юу цааш what"
WHAT_NEXT_AROUND: str = (
    "хийх хийвэл хийе хийгээч ёстой одоо тэгээд тэгвэл тэгэхээр дараа нь болох вэ бэ тэр тэд "
    "маань ээж аав эхнэр нөхөр охин хүү эгч ах дүү хамтран ажиллагч "
    "do now next should must have to then so i we shall she he they mother father wife "
    "husband colleague"
)

# "And after that?" asked of an answer on the training's course, or of a part of it said
# done ("вебинар дууссаны дараа юу болох вэ"): the words that ask it (one at least), those
# that may stand around them, the beginnings of words saying a part is done (or naming the
# training), and the parts by the beginnings of their words (flows/stages.py says what
# follows each).
AFTER_WORDS: str = "дараа daraa after afterwards next"
AFTER_AROUND: str = (
    "нь ni тэгээд tgd тэгвэл тэгэхээр тэр үүний одоо odoo юу yu юм болох boloh болдог хийх "
    "hiih хийдэг вэ ve бэ уу үү бүгд бүгдийг "
    "then and what happens comes so that this do i all the step алхам"
)
# "… дуусгачихвал", "модулиа сонгоод …" (done, chosen), "finished the course"
FINISHED_WORDS: str = (
    "дуус duus finish complet done сонго songo chose choos сургалт surgalt training course"
)
# What a follow-up on a schedule may say beside the part it names ("tegvel webinar ni?",
# "And does the webinar start next week?", "вебинар маань хэзээ эхлэх вэ"): Mongolian
# beginnings of words of when, of starting and ending, and of going on from the answer; and
# English words, whole.
WHEN_OF_A_PART_WORDS: str = (
    "тэгвэл тэгээд тэгэхээр харин бас хэзээ хэдий эхл эхэл дуус хэдэн хоно өдөр сар долоо "
    "ирэх маргааш нөгөөдөр энэ маань минь ni сургалт "
    "хүртэл үзэж үзэх ёстой"  # "модулиа хэзээ хүртэл үзэж дуусгах ёстой вэ": its end
)
WHEN_OF_A_PART_ENGLISH: str = (
    "and then what about when does do the start starts begin begins end ends finish next "
    "week month day tomorrow is it so also until by have must i my"
)
# Asking how two things differ or whether they are one ("ESIS болон esurgalt хоёрын ялгаа
# юу вэ", "adilhan uu", "Are they the same thing?"): beginnings of words.
DIFFERENCE_WORDS: str = "ялгаа yalgaa differen адил adil ижил ijil same"
STAGE_WORDS: dict[str, str] = {
    "elearning": "цахим tsahim модул modul esurgalt e-learning elearning online",
    "webinar": "вебинар webinar vebinar",
}

# An answer that sends the teacher to someone ("ask your training manager") cannot be
# followed when that one is away ("менежер маань 2 долоо хоног амралттай"), unknown or
# does not know ("менежер гэж хэн байдгийг би мэдэхгүй") or another is asked for ("өөр хэн
# нээж өгөх вэ"): the phrases asking for another, and beginnings of the manager's words
# and of being away or not knowing.
WHO_ELSE_PHRASES: tuple[str, ...] = (
    "өөр хэн", "өөр хэнээс", "өөр хэнд", "өөр хэнээр", "өөр хүн", "өөр хаана", "uur hen",
    "oor hen", "uur henees", "uur hend", "uur hun", "who else", "anyone else", "someone else",
)  # fmt: skip
MANAGER_WORDS: str = "менежер menejer manager захирал zahiral"
# Who that one is, asked ("сургалтын менежер гэж хэн бэ", "menejer gedeg chin hen be"):
# the asking word itself, not its case forms ("хэнд хандах" asks whom to turn to).
WHO_WORDS: str = "хэн hen who"
AWAY_WORDS: str = (
    "амралт amralt байхгүй bhgui baihgui алга томилолт tomilolt семинар seminar өвч "
    "мэдэхгүй medehgui mdku away leave vacation holiday sick "
    # does not answer: "утсаа авахгүй байна", "hariulahgui bn"
    "авахгүй avahgui хариулахгүй hariulahgui холбогдохгүй holbogdohgui"
)

# A day of the calendar asked about ("3 сарын 24-нд юу болох вэ?", "4/15 nd ehleh uu",
# "what happens on March 24?"): what may happen on it in the training's course, and what
# makes it a holiday's question instead ("3 сарын 8-нд амрах уу").
DAY_EVENT_WORDS: str = (
    "болох болно эхл эхэл дуус хаагд нээгд boloh bolno ehl ehel duus start begin end happen "
    "open close вебинар webinar цахим tsahim сургалт surgalt training"
)
HOLIDAY_WORDS: str = "амр амарч баяр сурагч хүүхд amr bayar holiday vacation day off"

# Who relays a teacher's answers when someone writes for her ("Ээж маань болчихлоо гэж
# байна", "aav maan tiim gej bn", "she says it worked"): the relatives and colleagues named
# before the words relayed, with their particle.
RELAYING_WORDS: str = (
    "ээж аав эхнэр нөхөр охин хүү ах эгч дүү эмээ өвөө багш маань минь нь "
    "mom mum mother dad father wife husband she he my"
)

# Who and where a teacher says they are ("сургалтын менежер", "Увс аймгийн номын санч"):
# beginnings of words, any ending after them.
ROLE_WORDS: str = (
    "багш менежер сургалт захирал эрхлэгч номын санч эмч сувилагч нийгм ажилтан нягтлан "
    "зүйч дотуур байр аймаг аймг сум дүүрэг сургууль сургуул цэцэрлэг хот анги "
    "school nurse doctor librarian manager principal director kindergarten"
)
# … and what no introduction says: the desk's matters, or something wrong or lost
# ("10 дахь жилийн сургалтын батламжийн дугаар маань буруу гарсан байна" tells a problem).
MATTER_WORDS: str = (
    "батламж batlamj нууц nuuts имэйл мэйл email вебинар webinar хуваар huvaar модул "
    "дугаар dugaar буруу buruu алга март martsan certificate wrong lost forgot"
)

# Words around a language's name that ask for it ("can you write in English", "монголоор
# бичээч", "англи хэлээр хариулна уу"): set aside, the name alone chooses the language.
LANGUAGE_REQUEST_WORDS: str = (
    "can could would you please pls plz write speak talk answer reply respond switch change "
    "use in to the language bot бичнэ бичээч бичих бичээрэй ярь ярих ярина хариул хариулна "
    "хариулаач хариулж бичиж ярьж хэлээр хэл руу рүү солих солиоч үү уу болох болохуу болно "
    "юу bichne bicheech "
    "sorry excuse me i уучлаарай"
)
