#!/usr/bin/env python3
"""Command line for the site: build it, check it, or preview it while editing.

Exit codes: 0 when the build or check succeeds, 1 when the content has problems
(every problem is listed as ``file:line: field: message``).
"""

from __future__ import annotations

from pathlib import Path

import click

from minhbach.parallel import default_jobs
from minhbach.problems import WARNING, Problem, SiteError, format_problems

ROOT = Path(__file__).resolve().parent


@click.group()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=ROOT, show_default=False,
              help="Folder holding content/, templates/ and site_config.yaml (default: this project).")
@click.pass_context
def cli(context: click.Context, root: Path) -> None:
    """Build the bilingual smart-city transparency site."""
    context.obj = root


@cli.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None, help="Where to write (default: output/).")
@click.option("--base-url", default=None, help="Override base_url from site_config.yaml.")
@click.option("--base-path", default=None, help="Override base_path, e.g. /minh-bach/.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that render pages (default: one per CPU core). The output is the same for any number.")
@click.option("--no-search", is_flag=True,
              help="Leave the search index as it was (out of date, or none); the next build without this option "
                   "brings it up to date.")
@click.pass_obj
def build(root: Path, output: Path | None, base_url: str | None, base_path: str | None, strict: bool,
          jobs: int | None, no_search: bool) -> None:
    """Build the site into output/, replacing it only when the build succeeds.

    When no content, template, translation or setting changed since the last build into the
    same folder (recorded in .cache/), nothing is rendered or written, except the search
    index when it is out of date.
    """
    from minhbach.manifest import nothing_to_build

    target = output or root / "output"
    overrides, jobs = {"base_url": base_url, "base_path": base_path}, jobs or default_jobs()
    last = nothing_to_build(root, target, overrides=overrides, strict=strict, search=not no_search, jobs=jobs)
    if last is not None:  # answered without loading the engine
        if last.warnings:
            click.echo(format_problems(last.warnings), err=True)
        _say_nothing_changed(last.pages, target)
        return
    from minhbach.incremental import Builder

    result = Builder(root, target, overrides=overrides, strict=strict, jobs=jobs, search=not no_search).build()
    if result.warnings:
        click.echo(format_problems(result.warnings), err=True)
    if result.search_s is not None:  # benchmarks/run.py reads this line
        click.echo(f"Search index: {result.search_s:.2f} s")
    if result.site is None:
        if result.search_s is not None:
            click.echo(f"No page changed since the last build: {result.pages} pages in {target}; "
                       f"the search index is up to date again ({result.written} files written).")
        else:  # found on the second look only: files were changing meanwhile
            _say_nothing_changed(result.pages, target)
        return
    click.echo(f"Built {result.pages} pages into {target} "
               f"({result.written} files written, {result.unchanged} unchanged"
               f"{'; search index left as it was' if no_search else ''}).")


def _say_nothing_changed(pages: int, target: Path) -> None:
    click.echo(f"Nothing changed since the last build: {pages} pages in {target}.")


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors (acknowledged ones excepted).")
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              help="github prints annotations for GitHub Actions.")
@click.option("--show-acknowledged", is_flag=True, help="Also list the warnings acknowledged in site_config.yaml.")
@click.pass_obj
def check(root: Path, strict: bool, output_format: str, show_acknowledged: bool) -> None:
    """Check the content and templates without writing anything.

    Besides the build's problems, warns about stale tasks, passed deadlines, missing English,
    documents cited but not in the content and agencies nothing refers to.
    """
    from minhbach.checks import acknowledge, as_errors, editorial_warnings
    from minhbach.config import load_config
    from minhbach.pipeline import build_site

    def emit(problems: list[Problem]) -> None:
        if output_format == "github":
            for problem in problems:
                click.echo(problem.format_github())
        elif problems:
            click.echo(format_problems(problems), err=True)

    try:
        result = build_site(root, write=False)
    except SiteError as error:
        try:
            entries = load_config(root).acknowledged
        except SiteError:
            entries = []
        errors = [p for p in error.problems if p.severity != WARNING]
        warnings = acknowledge([p for p in error.problems if p.severity == WARNING], entries).open
        emit(as_errors(errors + warnings) if strict else errors + warnings)
        raise SystemExit(1)
    config = load_config(root)
    warnings = result.warnings + editorial_warnings(root.resolve(), config, result.site)
    split = acknowledge(warnings, config.acknowledged)
    stale = [Problem("site_config.yaml", 0, f"acknowledged[{config.acknowledged.index(entry)}]",
                     f"this acknowledgement ({entry.file}) matches no warning any more", "remove it",
                     WARNING) for entry in split.unused]
    problems = split.open + stale
    emit(as_errors(problems) if strict else problems)
    if show_acknowledged and split.acknowledged:
        if output_format == "github":
            for problem, entry in split.acknowledged:
                click.echo(problem.format_github().replace("::warning", "::notice", 1) + f" (acknowledged: {entry.reason})")
        else:
            click.echo(f"{len(split.acknowledged)} acknowledged warning(s):", err=True)
            for problem, entry in split.acknowledged:
                click.echo(f"{problem.format()}\n    acknowledged: {entry.reason}", err=True)
    if strict and problems:
        raise SystemExit(1)
    note = f", {len(split.acknowledged)} acknowledged warning(s) not shown" if split.acknowledged and not show_acknowledged else ""
    click.echo(f"No errors: {result.pages} pages would be built{note}.")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--comments-port", default=None, type=int, help="Port of the local comment server (default: port + 1).")
@click.pass_obj
def serve(root: Path, host: str, port: int, comments_port: int | None) -> None:
    """Preview the site with live reload while you edit content or templates.

    With comments on in site_config.yaml, a local comment server (Isso) runs beside it.
    """
    from minhbach.serve import serve as run_server

    run_server(root, host, port, comments_port=comments_port)


@cli.command()
@click.pass_obj
def schemas(root: Path) -> None:
    """Write the JSON Schemas (schemas/) from the models and put the schema line atop every content file.

    Code editors with a YAML language server then complete field names and underline mistakes.
    """
    from minhbach.schemas import add_modelines, write_schemas

    for name in write_schemas(root):
        click.echo(f"Wrote {name}")
    for name in add_modelines(root):
        click.echo(f"Added the schema line to {name}")
    click.echo("Schemas are up to date.")


def _ids(values: tuple[str, ...]) -> list[str]:
    """Ids given as repeated options or separated by commas."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _scaffold(make, **fields) -> None:
    from minhbach.scaffold import ScaffoldError

    try:
        relative = make(**fields)
    except ScaffoldError as error:
        raise click.ClickException(f"{error}\nNothing was written. / Chưa ghi tệp nào.")
    click.echo(f"Đã tạo / Created: {relative}")
    click.echo("Mở tệp để điền các trường còn lại; xem trước: python build.py serve")
    click.echo("Open the file to fill in the other fields; preview: python build.py serve")


def _kinds(name: str) -> list[str]:
    from minhbach import kinds

    return list(getattr(kinds, name).__args__)


@cli.group()
def new() -> None:
    """Start a new record: asks for (or takes as options) the essential fields and writes a file
    whose comments explain every field. / Tạo bản ghi mới."""


@new.command("province")
@click.option("--name-vi", prompt="Tên (tiếng Việt), ví dụ Kiên Giang / Name in Vietnamese")
@click.option("--name-en", prompt="Tên tiếng Anh, ví dụ Kien Giang / Name in English")
@click.option("--full-name-vi", prompt="Tên đầy đủ (tiếng Việt), ví dụ Tỉnh Kiên Giang / Full name in Vietnamese")
@click.option("--full-name-en", prompt="Tên đầy đủ tiếng Anh, ví dụ Kien Giang Province / Full name in English")
@click.option("--kind", type=click.Choice(_kinds("ProvinceKind")), default="province", show_default=True,
              prompt="Loại đơn vị / Kind of unit")
@click.option("--parent", default=None, help="For a district-level unit: its province's id.")
@click.option("--id", "record_id", default=None, help="The id (default: the name folded to ASCII).")
@click.pass_obj
def new_province(root: Path, **fields) -> None:
    """A province or district-level unit: content/provinces/<id>.yaml."""
    from minhbach.scaffold import new_province as make

    _scaffold(make, root=root, **fields)


@new.command("agency")
@click.option("--name-vi", prompt="Tên đầy đủ (tiếng Việt), ví dụ Sở Tài chính tỉnh Kiên Giang / Full name in Vietnamese")
@click.option("--name-en", prompt="Tên đầy đủ tiếng Anh / Full name in English")
@click.option("--short-vi", prompt="Tên ngắn (tiếng Việt), ví dụ Sở Tài chính / Short name in Vietnamese")
@click.option("--short-en", prompt="Tên ngắn tiếng Anh, ví dụ Department of Finance / Short name in English")
@click.option("--kind", type=click.Choice(_kinds("AgencyKind")), prompt="Loại cơ quan / Kind of agency")
@click.option("--province", default="", prompt="Mã tỉnh (bỏ trống nếu là cơ quan trung ương) / Province id (empty: national)")
@click.option("--abbr", default=None, help="Abbreviation, e.g. STC.")
@click.option("--id", "record_id", default=None, help="The id (default: short name and province id).")
@click.pass_obj
def new_agency(root: Path, province: str, **fields) -> None:
    """An agency: content/agencies/<id>.yaml."""
    from minhbach.scaffold import new_agency as make

    _scaffold(make, root=root, province=province.strip() or None, **fields)


@new.command("directive")
@click.option("--number", prompt="Số và ký hiệu, ví dụ 950/QĐ-TTg / Number and symbol")
@click.option("--kind", type=click.Choice(_kinds("DirectiveKind")), prompt="Loại văn bản / Kind of document")
@click.option("--issuer", prompt="Mã cơ quan ban hành, ví dụ ubnd-kien-giang / Issuer's agency id")
@click.option("--date", prompt="Ngày ban hành YYYY-MM-DD / Date of issue")
@click.option("--title-vi", prompt="Trích yếu (tiếng Việt) / Subject line in Vietnamese")
@click.option("--title-en", prompt="Trích yếu tiếng Anh / Subject line in English")
@click.option("--province", default="", prompt="Mã tỉnh (bỏ trống nếu là văn bản trung ương) / Province id (empty: national)")
@click.option("--id", "record_id", default=None, help="The id (default: number and year folded to ASCII).")
@click.pass_obj
def new_directive(root: Path, province: str, **fields) -> None:
    """A document: content/directives/<id>/directive.yaml."""
    from minhbach.scaffold import new_directive as make

    _scaffold(make, root=root, province=province.strip() or None, **fields)


@new.command("task")
@click.option("--directive", prompt="Mã văn bản giao nhiệm vụ, ví dụ 1320-ubnd-kt-2020 / Id of the assigning document")
@click.option("--title-vi", prompt="Tên nhiệm vụ (tiếng Việt) / Task title in Vietnamese")
@click.option("--title-en", prompt="Tên nhiệm vụ tiếng Anh / Task title in English")
@click.option("--lead", multiple=True, help="Lead agency id (repeat, or separate by commas).")
@click.option("--coordinating", multiple=True, help="Coordinating agency id (repeat, or separate by commas).")
@click.option("--quote-vi", prompt="Nguyên văn đoạn giao nhiệm vụ (tiếng Việt) / The assigning words, exactly")
@click.option("--quote-en", default=None, help="The quote's faithful English translation.")
@click.option("--ref-vi", default=None, help="Where in the document, e.g. 'Mục 1'.")
@click.option("--ref-en", default=None, help="The same in English, e.g. 'Section 1'.")
@click.option("--province", default=None, help="Province id (default: the document's).")
@click.option("--deadline-kind", type=click.Choice(_kinds("DeadlineKind")), default="none", show_default=True)
@click.option("--deadline-date", default=None, help="day: YYYY-MM-DD; month: YYYY-MM; year: YYYY.")
@click.option("--deadline-text-vi", default=None, help="The deadline as written, e.g. 'trước ngày 30/9/2022'.")
@click.option("--deadline-text-en", default=None)
@click.option("--id", "record_id", default=None, help="The id (default: the document's id and the next free number).")
@click.pass_obj
def new_task(root: Path, lead: tuple[str, ...], coordinating: tuple[str, ...], **fields) -> None:
    """A task a document assigns: content/tasks/<directive>/<id>.yaml."""
    from minhbach.scaffold import new_task as make

    leads = _ids(lead) or _ids((click.prompt("Mã cơ quan chủ trì, cách nhau bởi dấu phẩy / Lead agency ids, "
                                              "separated by commas"),))
    _scaffold(make, root=root, lead=leads, coordinating=_ids(coordinating), **fields)


@cli.group()
def comments() -> None:
    """Residents' comments: publish the approved ones, configure the comment server."""


@comments.command("export")
@click.option("--db", "database", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Isso's SQLite database (default: .comments/comments.db, the preview's).")
@click.option("--prune", is_flag=True, help="Also drop published comments that the server no longer has.")
@click.pass_obj
def export(root: Path, database: Path | None, prune: bool) -> None:
    """Copy approved comments into content/comments/ (one YAML file per page), to commit with the content."""
    from minhbach.export import ExportError, export_comments
    from minhbach.isso import DATABASE, LOCAL_FOLDER

    try:
        result = export_comments(root, database or root / LOCAL_FOLDER / DATABASE, prune=prune)
    except ExportError as error:
        raise click.ClickException(f"{error}\nNothing was written.")
    for line in result.official:
        click.echo(f"Marked as an official reply: {line}")
    if result.kept:
        click.echo(f"Kept {len(result.kept)} published comment(s) the server no longer has "
                   f"(use --prune to drop them): {', '.join(result.kept[:10])}")
    if result.unknown_threads:
        names = ", ".join(ascii(name) for name in result.unknown_threads[:10])
        click.echo(f"Not exported: {len(result.unknown_threads)} thread(s) that are not pages of this site: {names}",
                   err=True)
    click.echo(f"Exported comments: {result.added} new, {result.updated} changed, {result.pruned} dropped; "
               f"{len(result.written)} file(s) written.")
    for name in result.written:
        click.echo(f"  {name}")


@comments.command("isso-config")
@click.option("--db", "database", default="/var/lib/isso/comments.db", show_default=True,
              help="Where the production database lives.")
@click.option("--listen", default="http://127.0.0.1:8080", show_default=True, help="Where Isso listens, behind nginx.")
@click.option("--site", "sites", multiple=True, help="Address of the site that embeds the comments (default: base_url).")
@click.option("--admin/--no-admin", default=True, show_default=True,
              help="Enable the moderation page; its password is read from ISSO_ADMIN_PASSWORD.")
@click.pass_obj
def isso_config_command(root: Path, database: str, listen: str, sites: tuple[str, ...], admin: bool) -> None:
    """Print the production isso.cfg, with the comment settings of site_config.yaml."""
    import os
    import secrets

    from minhbach.config import load_config
    from minhbach.isso import IssoError, isso_config

    config = load_config(root)
    if not config.comments.enabled:
        raise click.ClickException("comments are not enabled in site_config.yaml")
    password = os.environ.get("ISSO_ADMIN_PASSWORD") if admin else None
    if admin and not password:
        raise click.ClickException("set ISSO_ADMIN_PASSWORD to the moderators' password (or use --no-admin)")
    try:
        click.echo(isso_config(config.comments, db=database, listen=listen, public_endpoint=config.comments.url,
                               site_origins=list(sites) or [config.base_url], admin_password=password,
                               salt=secrets.token_hex(16), trusted_proxies=("127.0.0.1", "::1")), nl=False)
    except IssoError as error:
        raise click.ClickException(str(error))


if __name__ == "__main__":
    cli()
