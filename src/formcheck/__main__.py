from formcheck.cli import entry

entry()
