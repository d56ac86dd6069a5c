"""Small Sphinx fixes for the built pages (loaded through _config.yml's local_extensions).

- sphinx-thebe registers its inline configuration script once per read of the environment; when Jupyter Book
  reads it twice the page declares `const THEBE_JS_URL` twice and the browser logs an error. Keep each script once.
"""


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # The same script may be registered once with filename None and once with '' (sphinx-thebe does both).
        attributes = getattr(script, "attributes", {}) or {}
        key = (getattr(script, "filename", None) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
