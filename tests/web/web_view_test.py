#!/usr/bin/python3
"""The operator's web view in a real browser: headless Chromium, driven by
Selenium through ChromeDriver (Debian's chromium, chromium-driver and
python3-selenium), against csp-ledgerd on the demo ledger. Each view's
screenshot is kept in --artifacts.

  web_view_test.py --bin BUILD/bin --demo demo/scenario.jsonl --artifacts DIR
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ADMIN = "alice@partner.example"
ADMIN_TOKEN = "web-admin-token-0123456789abcdef"
HOSTILE_NAME = '<script>alert("owned")</script><img src=x onerror=alert(2)>'
SUBSCRIPTION = "a1000000-0000-4000-8000-000000000001"
WAIT_SECONDS = 20

options = None  # set from the command line in main()


def ledger(*args, check=True):
    """csp-ledger on the test's ledger; its stdout."""
    completed = subprocess.run([os.path.join(options.bin, "csp-ledger"), "--db", Case.db, *args],
                               capture_output=True, text=True)
    if check and completed.returncode != 0:
        raise AssertionError(f"csp-ledger {' '.join(args)} exited {completed.returncode}: {completed.stderr}")
    return completed.stdout


def report_rows(kind, *flags):
    return json.loads(ledger("report", kind, "--format", "json", *flags))


def shown(value):
    """A cell as the page prints it (app.js, shown())."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def http(method, path, body=None, token=ADMIN_TOKEN):
    request = urllib.request.Request(Case.base + path, method=method, data=body)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Case(unittest.TestCase):
    db = ""
    base = ""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="csp-web-")
        cls.db = os.path.join(cls.dir, "demo.db")
        ledger("init", "--admin", ADMIN, "--at", "2026-01-05T09:00:00Z")
        demo = subprocess.run([os.path.join(options.bin, "csp-ledger"), "--db", cls.db, "run", options.demo],
                              capture_output=True, text=True)
        assert demo.returncode == 3, f"the demo run exited {demo.returncode}, expected 3 (7 refusals): {demo.stderr}"
        ledger("customer", "add", "--actor", ADMIN, "--tenant", "9d9d9d9d-0000-4000-8000-000000000001",
               "--domain", "hostile.onmicrosoft.com", "--market", "US", "--name", HOSTILE_NAME)
        tokens = os.path.join(cls.dir, "tokens.txt")
        with open(os.open(tokens, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
            file.write(f"{ADMIN_TOKEN} {ADMIN}\n")
        cls.addClassCleanup(shutil.rmtree, cls.dir, ignore_errors=True)
        cls.server_log = open(os.path.join(cls.dir, "server.log"), "w")
        cls.addClassCleanup(cls.server_log.close)
        cls.server = subprocess.Popen([os.path.join(options.bin, "csp-ledgerd"), "--db", cls.db, "--tokens", tokens,
                                       "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=cls.server_log, text=True)
        cls.addClassCleanup(cls.stop_server)
        first = cls.server.stdout.readline()
        match = re.search(r"listening on (\S+):(\d+)", first)
        assert match, f"csp-ledgerd did not say where it listens: {first!r}"
        cls.base = f"http://127.0.0.1:{match.group(2)}"

        chrome = webdriver.ChromeOptions()
        chrome.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000", "--user-data-dir=" + os.path.join(cls.dir, "profile")):
            chrome.add_argument(flag)
        cls.downloads = os.path.join(cls.dir, "downloads")
        os.makedirs(cls.downloads)
        chrome.add_experimental_option("prefs", {"download.default_directory": cls.downloads,
                                                 "download.prompt_for_download": False})
        chrome.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        cls.browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=chrome)
        cls.addClassCleanup(cls.browser.quit)
        cls.browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": cls.downloads})
        os.makedirs(options.artifacts, exist_ok=True)

    # Class cleanups run even when setUpClass fails half way.
    @classmethod
    def stop_server(cls):
        cls.server.terminate()
        try:
            cls.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cls.server.kill()

    # ---- helpers ----------------------------------------------------------

    def until(self, condition, what):
        return WebDriverWait(self.browser, WAIT_SECONDS).until(lambda _: condition(), message=what)

    def text_of(self, element_id):
        return self.browser.find_element(By.ID, element_id).text

    def screenshot(self, name):
        self.browser.save_screenshot(os.path.join(options.artifacts, name + ".png"))

    def sign_in(self, token):
        self.browser.get(self.base + "/")
        field = self.until(lambda: self.browser.find_element(By.ID, "token"), "the sign-in form")
        field.clear()
        field.send_keys(token)
        self.browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()

    def signed_in(self):
        self.browser.get(self.base + "/")
        self.browser.execute_script("sessionStorage.clear()")
        self.browser.get_log("browser")  # what earlier tests left there
        self.sign_in(ADMIN_TOKEN)
        self.until(lambda: self.browser.find_element(By.ID, "overview").is_displayed(), "the overview after sign-in")

    def show_view(self, name):
        self.browser.find_element(By.CSS_SELECTOR, f'nav button[data-view="{name}"]').click()
        self.until(lambda: self.browser.find_element(By.ID, name).is_displayed(), f"the {name} view")

    def table_rows(self):
        rows = self.browser.find_elements(By.CSS_SELECTOR, "#report-table tbody tr")
        return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]

    def table_columns(self):
        return [cell.text for cell in self.browser.find_elements(By.CSS_SELECTOR, "#report-table thead th")]

    def show_report(self, kind, status=""):
        self.show_view("reports")
        Select(self.browser.find_element(By.ID, "report-kind")).select_by_value(kind)
        field = self.browser.find_element(By.ID, "report-status")
        field.clear()
        field.send_keys(status)
        self.browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
        # The summary names the rows of this very answer once it is drawn.
        self.until(lambda: re.fullmatch(r"\d+ rows?", self.text_of("report-summary")) and
                   len(self.table_rows()) == int(self.text_of("report-summary").split()[0]), f"the {kind} report")

    def assert_table_is(self, rows):
        if not rows:
            self.assertEqual(self.table_rows(), [])
            return
        columns = list(rows[0].keys())
        self.assertEqual(self.table_columns(), columns)
        self.assertEqual(self.table_rows(), [[shown(row[column]) for column in columns] for row in rows])

    def assert_no_page_errors(self):
        # A refusal the test asked for is logged as a failed load: not a fault of the page.
        problems = [entry["message"] for entry in self.browser.get_log("browser")
                    if (entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"])
                    or "Content Security Policy" in entry["message"]]
        self.assertEqual(problems, [])

    # ---- the tests --------------------------------------------------------

    def test_page_is_served_with_a_strict_content_security_policy(self):
        for path in ("/", "/app.js", "/app.css"):
            status, headers, _ = http("GET", path, token=None)
            self.assertEqual(status, 200, path)
            policy = headers.get("Content-Security-Policy", "")
            self.assertIn("default-src 'none'", policy, path)
            self.assertIn("script-src 'self'", policy, path)
            self.assertNotIn("unsafe-inline", policy, path)
            self.assertEqual(headers.get("X-Content-Type-Options"), "nosniff", path)

    def test_wrong_token_gets_a_clear_message(self):
        self.browser.get(self.base + "/")
        self.browser.execute_script("sessionStorage.clear()")
        self.sign_in("not-a-token-of-this-server")
        self.until(lambda: self.text_of("sign-in-message"), "a sign-in message")
        self.assertIn("not in the server's tokens file", self.text_of("sign-in-message"))
        self.assertFalse(self.browser.find_element(By.ID, "nav").is_displayed())
        self.screenshot("sign-in-refused")

    def test_overview_shows_the_head_and_a_verified_chain(self):
        self.signed_in()
        _, _, health = http("GET", "/health", token=None)
        head = json.loads(health)["head_position"]
        self.until(lambda: self.text_of("chain-state") == "verified", "the audit's verdict")
        self.assertEqual(self.text_of("head-position"), str(head))
        # A verdict may be up to a minute old; "Verify now" asks for one of the head as it is.
        self.browser.find_element(By.ID, "verify-now").click()
        audit = json.loads(ledger("--json", "audit", "verify"))
        self.until(lambda: audit["result"]["head_hash"] in self.text_of("chain-detail"), "a verdict on the head")
        self.assertEqual(self.text_of("chain-state"), "verified")
        self.assertIn(f"{head} events chain", self.text_of("chain-detail"))
        self.until(lambda: re.fullmatch(r"\d+\.\d", self.text_of("commands-rate")), "a commands/s figure")
        self.assert_no_page_errors()
        self.screenshot("overview")

    def test_reports_show_the_numbers_report_prints(self):
        self.signed_in()
        for kind in ("subscriptions", "links", "refunds", "open-refunds", "sales", "hybrid-benefit", "customers"):
            with self.subTest(kind=kind):
                self.show_report(kind)
                self.assert_table_is(report_rows(kind))
        self.show_report("sales")
        currencies = {row["currency"] for row in report_rows("sales")}
        self.assertEqual(len(self.browser.find_elements(By.CSS_SELECTOR, "#report-chart svg")), len(currencies))
        self.screenshot("reports-sales")
        self.show_report("subscriptions")
        self.screenshot("reports-subscriptions")
        self.assert_no_page_errors()

    def test_a_filter_changes_the_rows(self):
        self.signed_in()
        self.show_report("subscriptions")
        everything = self.table_rows()
        self.show_report("subscriptions", status="cancelled")
        cancelled = report_rows("subscriptions", "--status", "cancelled")
        self.assert_table_is(cancelled)
        self.assertNotEqual(len(self.table_rows()), len(everything))
        self.show_report("subscriptions", status="nonsense")
        self.until(lambda: self.text_of("report-message"), "the server's refusal of a bad status")

    def test_csv_download_is_the_report_as_csv(self):
        self.signed_in()
        self.show_report("subscriptions")
        self.browser.find_element(By.ID, "report-csv").click()
        target = os.path.join(self.downloads, "subscriptions.csv")
        self.until(lambda: os.path.exists(target) and not os.path.exists(target + ".crdownload"), "the CSV download")
        with open(target) as file:
            self.assertEqual(file.read(), ledger("report", "subscriptions", "--format", "csv"))

    def test_a_hostile_customer_name_is_shown_as_text(self):
        self.signed_in()
        self.show_report("customers")
        names = [row[self.table_columns().index("name")] for row in self.table_rows()]
        self.assertIn(HOSTILE_NAME, names)
        self.assertEqual(self.browser.execute_script("return document.querySelectorAll('main script, main img').length"), 0)
        with self.assertRaises(NoAlertPresentException):
            self.browser.switch_to.alert.text
        self.screenshot("reports-customers")

    def test_history_of_a_subscription(self):
        self.signed_in()
        self.show_view("history")
        Select(self.browser.find_element(By.ID, "history-kind")).select_by_value("subscription")
        self.browser.find_element(By.ID, "history-id").send_keys(SUBSCRIPTION)
        self.browser.find_element(By.CSS_SELECTOR, "#history-form button").click()
        expected = json.loads(ledger("--json", "history", "--subscription", SUBSCRIPTION, "--actor", ADMIN))["result"]["events"]
        items = lambda: self.browser.find_elements(By.CSS_SELECTOR, "#history-events > li")
        self.until(lambda: len(items()) == len(expected), "the subscription's events")
        firsts = [item.find_element(By.CLASS_NAME, "what").text for item in items()]
        self.assertEqual([line.split()[0] for line in firsts], [f"#{event['position']}" for event in expected])
        self.assertEqual([line.split()[2] for line in firsts], [event["type"] for event in expected])
        self.screenshot("history")
        self.browser.find_element(By.ID, "history-id").clear()
        self.browser.find_element(By.ID, "history-id").send_keys("a1000000-0000-4000-8000-00000000dead")
        self.browser.find_element(By.CSS_SELECTOR, "#history-form button").click()
        self.until(lambda: "does not exist" in self.text_of("history-message"), "the unknown subscription's message")

    def test_live_feed_shows_a_command_posted_meanwhile(self):
        self.signed_in()
        self.show_view("feed")
        self.until(lambda: self.text_of("feed-status").startswith("Following"), "the feed to connect")
        status, _, body = http("POST", "/commands", json.dumps({
            "command": "RegisterCustomer", "tenant": "7e7e7e7e-0000-4000-8000-000000000001",
            "domain": "feed.onmicrosoft.com", "market": "JP", "name": "Feed KK"}).encode())
        self.assertEqual(status, 200, body)
        self.until(lambda: "CustomerRegistered" in self.text_of("feed-events"), "the new event in the feed")
        self.assertIn("Feed KK", self.text_of("feed-events"))
        self.screenshot("feed")
        self.browser.find_element(By.ID, "sign-out").click()
        self.until(lambda: self.browser.find_element(By.ID, "sign-in").is_displayed(), "the sign-in form after sign-out")


def main():
    global options
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the folder holding csp-ledger and csp-ledgerd")
    parser.add_argument("--demo", required=True, help="demo/scenario.jsonl")
    parser.add_argument("--artifacts", required=True, help="where the screenshots go")
    options, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
