"""The web console in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven
by Selenium), against a real `helpdesk run` polling the fake Bot API, on SQLite and PostgreSQL.

A methodologist signs in from `helpdesk console link`, finds the teacher's ticket in the queue,
answers it, and the answer reaches the teacher in the fake Telegram; the teacher's next message
appears on the open ticket page without a reload; an admin reads the statistics. Screenshots
of every page, phone and desktop widths, go to tests/.screenshots/ (look at them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.bench.roster import synthetic_roster
from tests.fake_telegram import FakeBotApi, FakeBotApiServer, free_port
from tests.process_kit import (
    METHODOLOGIST,
    PASSWORD_QUESTION,
    BotProcess,
    bot_environment,
    run_cli,
    scratch_database,
    teacher_text,
    wait_for,
)

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).parent / ".screenshots"
ADMIN = 4242
TEACHER = 5151
PHONE, DESKTOP = (390, 844), (1280, 900)
QUESTION = "хүнтэй ярих, батламжаа олохгүй байна"
ANSWER = "Сайн байна уу! Таны батламж ESIS-д бүртгэгдсэн байна."
OTHER_TEACHER = 5252
NEW_ANSWER = "ESIS-ийн нууц үгээ сургуулийнхаа менежерээр шинэчлүүлнэ үү (консолоос засав)."


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
        return
    server = os.environ.get("HELPDESK_TEST_DATABASE_URL")
    if not server:
        pytest.skip("PostgreSQL not configured: set HELPDESK_TEST_DATABASE_URL")
    with scratch_database(server) as url:
        yield url


@contextmanager
def chromium() -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Chromium is not installed: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=mn"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def screenshots(driver: object, name: str, database: str) -> None:
    """The page at a phone's width and a desktop's, as the users will see it."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
        driver.set_window_size(width, height)  # type: ignore[attr-defined]
        driver.save_screenshot(str(SCREENSHOTS / f"{database}-{name}-{label}.png"))  # type: ignore[attr-defined]


def test_a_methodologist_answers_a_ticket_in_the_browser(
    database_url: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as when
    from selenium.webdriver.support.ui import WebDriverWait

    database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    api = FakeBotApi(members={METHODOLOGIST})
    port = free_port()
    with FakeBotApiServer(api) as server, chromium() as driver:
        env = bot_environment(
            server, database_url,
            HELPDESK_PUBLIC_URL=f"http://127.0.0.1:{port}", HELPDESK_LISTEN=f"127.0.0.1:{port}",
            HELPDESK_ADMIN_IDS=str(ADMIN),
        )  # fmt: skip
        assert run_cli(env, "db", "upgrade").returncode == 0
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            api.push_update(teacher_text(TEACHER, QUESTION))
            assert wait_for(lambda: any("№1" in t or "#1" in t for t in api.texts())), bot.tail()

            signed = run_cli(env, "console", "link", str(METHODOLOGIST), "--name", "Болд")
            assert signed.returncode == 0, signed.stderr
            link = signed.stdout.strip()
            assert link.startswith(f"http://127.0.0.1:{port}/console/login?token=")
            wait = WebDriverWait(driver, 60)  # type: ignore[arg-type]  # a loaded 2-core machine

            driver.get(link)  # type: ignore[attr-defined]
            wait.until(when.presence_of_element_located((By.ID, "rows")))
            assert "батламжаа олохгүй" in driver.find_element(By.ID, "rows").text  # type: ignore[attr-defined]
            screenshots(driver, "queue", database)

            driver.find_element(By.LINK_TEXT, "#1").click()  # type: ignore[attr-defined]
            wait.until(when.presence_of_element_located((By.ID, "reply-text")))
            driver.find_element(By.ID, "reply-text").send_keys(ANSWER)  # type: ignore[attr-defined]
            driver.find_element(By.CSS_SELECTOR, "form.reply button").click()  # type: ignore[attr-defined]
            wait.until(when.url_contains("done=reply"))
            assert wait_for(lambda: any(ANSWER in t for t in api.texts(TEACHER))), bot.tail()
            screenshots(driver, "ticket", database)

            api.push_update(teacher_text(TEACHER, "Баярлалаа, харин сертификатаа хэзээ авах вэ?"))
            conversation = (By.ID, "conversation")
            wait.until(when.text_to_be_present_in_element(conversation, "сертификатаа хэзээ"))

            driver.delete_all_cookies()  # type: ignore[attr-defined]
            admin = run_cli(env, "console", "link", str(ADMIN), "--name", "Админ").stdout.strip()
            driver.get(admin)  # type: ignore[attr-defined]
            wait.until(when.presence_of_element_located((By.ID, "rows")))
            driver.get(f"http://127.0.0.1:{port}/console/knowledge")  # type: ignore[attr-defined]
            screenshots(driver, "knowledge", database)
            driver.get(f"http://127.0.0.1:{port}/console/knowledge/esis_password")  # type: ignore[attr-defined]
            answer = driver.find_element(By.ID, "answer")  # type: ignore[attr-defined]
            answer.clear()
            answer.send_keys(NEW_ANSWER)
            driver.find_element(By.ID, "try").send_keys(PASSWORD_QUESTION)  # type: ignore[attr-defined]
            driver.find_element(By.ID, "try-button").click()  # type: ignore[attr-defined]
            wait.until(when.text_to_be_present_in_element((By.ID, "verdict"), "esis_password"))
            screenshots(driver, "entry", database)
            driver.find_element(By.ID, "save-button").click()  # type: ignore[attr-defined]
            wait.until(when.presence_of_element_located((By.CLASS_NAME, "done")))
            api.push_update(teacher_text(OTHER_TEACHER, PASSWORD_QUESTION))
            assert wait_for(lambda: any(NEW_ANSWER in t for t in api.texts(OTHER_TEACHER))), (
                api.texts(OTHER_TEACHER),
                bot.tail(),
            )
            roster_file = tmp_path / "roster 2022.csv"
            roster_file.write_bytes(synthetic_roster(40, year=2022)[0])
            driver.get(f"http://127.0.0.1:{port}/console/roster")  # type: ignore[attr-defined]
            driver.find_element(By.ID, "roster-file").send_keys(str(roster_file))  # type: ignore[attr-defined]
            driver.find_element(By.ID, "roster-send").click()  # type: ignore[attr-defined]
            wait.until(when.presence_of_element_located((By.ID, "roster-report")))
            assert "40" in driver.find_element(By.ID, "roster-report").text  # type: ignore[attr-defined]
            wait.until(when.text_to_be_present_in_element((By.ID, "roster-years"), "2022"))
            screenshots(driver, "roster", database)
            for page in ("stats", "unanswered", "audit", "schedule"):
                driver.get(f"http://127.0.0.1:{port}/console/{page}")  # type: ignore[attr-defined]
                wait.until(
                    when.presence_of_element_located(
                        (By.TAG_NAME, "table" if page != "stats" else "figure")
                    )
                )
                screenshots(driver, page, database)
            driver.delete_all_cookies()  # type: ignore[attr-defined]
            driver.get(f"http://127.0.0.1:{port}/console/")  # type: ignore[attr-defined]
            wait.until(when.url_contains("/console/login"))
            screenshots(driver, "login", database)
        finally:
            assert bot.stop() == 0, bot.tail()
    assert "Traceback" not in bot.output(), bot.tail()
    shutil.rmtree(tmp_path, ignore_errors=True)
