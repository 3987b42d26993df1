"""Runs inside an oracle venv: Django's system checks on generated projects.

    python worker.py DIR [DIR ...]

For each project, a forked child process puts the project on `sys.path`, sets
`DJANGO_SETTINGS_MODULE` from its manage.py, runs `django.setup()` and
`django.core.checks.run_checks()` (what `manage.py check` runs), and keeps the messages that
`SILENCED_SYSTEM_CHECKS` does not silence, as `[id, object, message]` (object:
`app_label.Model.field` for a field, `app_label.Model` for a model), exactly as
tests/oracle/django_checks.py does. The parent imports Django's model layer once before forking
(no settings are configured in the parent), so each project costs a fork, not an interpreter.
Prints one JSON line per project: {"dir", "django", "messages"} or {"dir", "crash"}.
"""

import json
import os
import re
import sys
import traceback

import django
import django.core.checks  # noqa: F401  (imported before forking: shared by every child)
import django.db.models  # noqa: F401


def check(root):
    sys.path.insert(0, root)
    os.chdir(root)
    manage = open(os.path.join(root, "manage.py")).read()
    module = re.search(r"DJANGO_SETTINGS_MODULE['\"],\s*['\"]([\w.]+)['\"]", manage).group(1)
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    django.setup()
    from django.core import checks

    out = []
    for m in checks.run_checks(include_deployment_checks=False):
        if m.is_silenced():
            continue
        obj = m.obj
        if hasattr(obj, "model") and hasattr(obj, "name") and hasattr(obj.model, "_meta"):
            label = "%s.%s" % (obj.model._meta.label, obj.name)
        elif hasattr(obj, "_meta"):
            label = obj._meta.label
        else:
            label = str(obj)
        out.append([m.id, label, m.msg])
    return out


def main():
    for root in sys.argv[1:]:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            try:
                res = {"django": django.get_version(), "messages": check(root)}
            except BaseException as e:  # a project Django cannot even set up
                tb = traceback.extract_tb(e.__traceback__)
                res = {"crash": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""),
                       "at": "%s:%s" % (os.path.basename(tb[-1].filename), tb[-1].lineno) if tb else ""}
            with os.fdopen(wfd, "w") as f:
                f.write(json.dumps(res))
            os._exit(0)
        os.close(wfd)
        with os.fdopen(rfd) as f:
            data = f.read()
        os.waitpid(pid, 0)
        res = json.loads(data) if data else {"crash": "worker child died"}
        res["dir"] = root
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
