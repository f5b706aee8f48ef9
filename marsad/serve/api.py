"""The JSON API under ``/api``: thin handlers over the store and the engine.

Ids are checked against their shape before the store sees them, so nothing a request sends
becomes a file path or a query of its own; an id of the wrong shape is simply not found (404).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, model_validator

from marsad.errors import ConfigError, InputError, MarsadError, ModelError, StoreError
from marsad.models import Analysed, RawPage
from marsad.serve.ingest import ingest_pages
from marsad.serve.security import require_write_token
from marsad.store.base import EXPORT_ARTICLE_COLUMNS, EXPORT_STORY_COLUMNS, STORY_SORTS, ArticleQuery, StoryQuery
from marsad.store.export import FORMATS, MEDIA_TYPES, export_chunks

# The page's interface language and calendar: read by every page from the query, not declared.
READER_PARAMETERS = {"lang", "cal"}


def known_parameters_only(request: Request) -> None:
    """A query parameter the endpoint does not take is a 422 naming it, not silently ignored
    (``min-outlets=2``, the CLI's spelling, would otherwise list every story)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = [name for name in request.query_params if name not in known and name not in READER_PARAMETERS]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0].replace("-", "_").lower(), sorted(known), 1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise HTTPException(422, f"{unknown[0]}: not a parameter of this request{hint}; it takes: {', '.join(sorted(known)) or 'none'}")


def _query_names(dependant) -> set[str]:
    names = {getattr(field, "alias", None) or field.name for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


router = APIRouter(prefix="/api", dependencies=[Depends(known_parameters_only)])

ARTICLE_ID = re.compile(r"[0-9a-f]{16}")
STORY_ID = re.compile(r"s[0-9a-f]{16}")


# -- request and response shapes (they document the OpenAPI page) ------------------------------
class PageIn(BaseModel):
    """One news page to ingest: its HTML, or its text (a raw page dump, or clean text with a title)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": "…", "title": "رئيسا الأركان يجتمعان في هلسنكي", "url": "https://example.com/a", "published": "2021-09-22", "outlet": "example.com"}]})

    html: str | None = Field(None, description="The page's HTML; preferred over text when both are given.")
    text: str | None = Field(None, description="A plain-text page dump, or the article's clean text when title or published is given.")
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=100, description="Publication date as the source writes it.")
    outlet: str | None = Field(None, max_length=200, description="The publishing outlet; the URL's host when not given.")

    @model_validator(mode="after")
    def _has_content(self) -> "PageIn":
        if not (self.html and self.html.strip()) and not (self.text and self.text.strip()):
            raise ValueError("give the page as 'html' or 'text' (both are empty or missing)")
        if self.published and self.published.strip():
            from marsad.clean.plain import iso_date

            if iso_date(self.published) is None:  # stored without a date, silently, before
                raise ValueError(f"published: {self.published[:40]!r} is not a date marsad reads (2021-09-22, "
                                 "'Wed, 22 Sep 2021 10:00:00 GMT', Unix time, '22 September 2021'); leave it out to store the page undated")
        return self

    def raw_page(self, source: str) -> RawPage:
        if self.html and self.html.strip():
            return RawPage(source=source, text=self.html, format="html", url=self.url, title=self.title, published=self.published, outlet=self.outlet)
        # Clean text from a feed carries its headline or date alongside; bare text is a page dump.
        text_format = "plain" if (self.title or self.published) else "text"
        return RawPage(source=source, text=self.text or "", format=text_format, url=self.url, title=self.title, published=self.published, outlet=self.outlet)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Each page is checked on its own (in ingest_batch), so one page of the wrong shape is an
    # error of that page, not a 422 for the batch; the schema still shows what a page is.
    pages: list[Annotated[Any, WithJsonSchema({"$ref": "#/components/schemas/PageIn"})]] = Field(
        ..., min_length=1, description="The pages (each a PageIn); each is checked, cleaned, analysed and stored on its own.")


class IngestedOut(BaseModel):
    index: int = Field(description="The page's place in the request.")
    id: str = Field(description="The article's id (a hash of its title and text).")
    story_id: str
    new_story: bool = Field(description="The article started a story.")
    seen: bool = Field(description="The same article was stored already: nothing was written.")
    copy_of: str | None = Field(None, description="The article this one copies (wire copy or near-duplicate).")
    copy_kind: str | None = None


class IngestErrorOut(BaseModel):
    index: int
    error: str


class IngestOut(BaseModel):
    articles: list[IngestedOut]
    errors: list[IngestErrorOut]


# -- helpers ------------------------------------------------------------------------------------
def _store(request: Request):
    return request.app.state.store


def stored_analysed(request: Request, article_id: str) -> Analysed:
    """The stored article with its analysis, or 404 (also for an id of the wrong shape)."""
    if not ARTICLE_ID.fullmatch(article_id):
        raise HTTPException(404, f"no article {article_id[:40]!r} (article ids are 16 hex digits)")
    analysed = _store(request).analysed(article_id)
    if analysed is None:
        raise HTTPException(404, f"no article {article_id!r} in the store")
    return analysed


def compare_stored(request: Request, a: str, b: str) -> tuple[Analysed, Analysed, dict[str, Any]]:
    doc_a, doc_b = stored_analysed(request, a), stored_analysed(request, b)
    try:
        comparison = request.app.state.engine.compare(doc_a, doc_b)
    except ModelError as error:  # the server's fault, not the request's
        raise HTTPException(503, str(error)) from None
    except MarsadError as error:
        raise HTTPException(422, str(error)) from None
    return doc_a, doc_b, comparison.as_dict()


Text = Annotated[str | None, Query(max_length=500, description="Words to find in titles and text (all must match).")]
TextAsInCli = Annotated[str | None, Query(max_length=500, description="The same as `q`, by the name of the CLI's `--text`.")]
Entity = Annotated[str | None, Query(max_length=200, description="A canonical entity id, e.g. `country:US`, `place:658225`.")]
Language = Annotated[str | None, Query(max_length=10, description="ISO 639-1 code, e.g. `ar`.")]
Outlet = Annotated[str | None, Query(max_length=200, description="An outlet, e.g. `reuters.com`.")]
Since = Annotated[date | None, Query(description="Keep what was published on or after this date (YYYY-MM-DD); what has no publication date is left out.")]
Until = Annotated[date | None, Query(description="Keep what was published on or before this date (YYYY-MM-DD); what has no publication date is left out.")]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Undated = Annotated[Literal["include", "exclude", "only"] | None, Query(description="Stories with no publication date: `include` (listed after the dated ones; the default), `exclude` or `only`. A `since` or `until` filter leaves them out.")]
Sort = Annotated[Literal[STORY_SORTS] | None, Query(description="Order: `published` (newest publication first, undated last; the default), `size` (most independent articles) or `outlets` (most outlets).")]
MinOutlets = Annotated[int | None, Query(ge=1, le=1000, description="Only stories told by at least this many outlets.")]
MinSize = Annotated[int | None, Query(ge=1, le=100_000, description="Only stories with at least this many independent articles.")]


@dataclass(frozen=True)
class SearchFilters:
    """The filters stories and articles are searched by (query parameters of the API and the page)."""

    q: str | None = None
    entity: str | None = None
    language: str | None = None
    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    undated: str | None = None
    sort: str | None = None
    min_outlets: int | None = None
    min_size: int | None = None

    def query_fields(self) -> dict[str, Any]:
        """As :class:`ArticleQuery` fields (empty values are no filter)."""
        return {
            "text": self.q or None,
            "entity": self.entity or None,
            "language": self.language or None,
            "outlet": self.outlet or None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    def story_fields(self) -> dict[str, Any]:
        """As :class:`StoryQuery` fields: the article filters, and how stories are ordered and kept."""
        return {
            **self.query_fields(),
            "dated": {"exclude": True, "only": False}.get(self.undated or "include"),
            "sort": self.sort or "published",
            "min_outlets": self.min_outlets or 1,
            "min_size": self.min_size or 1,
        }

    def given(self) -> dict[str, str]:
        """The filters given, as query parameters (for links to other pages of the same search)."""
        return {name: str(value) for name, value in vars(self).items() if value}


def _words(q: str | None, text: str | None) -> str | None:
    """The search words, given as ``q`` (the page's name) or ``text`` (the CLI's ``--text``)."""
    if q and text and q != text:
        raise HTTPException(422, "give the search words as q or as text, not both")
    return q or text


def _span(since: date | None, until: date | None) -> None:
    if since and until and since > until:
        raise HTTPException(422, f"since ({since}) is after until ({until}): nothing could be kept")


def search_filters(q: Text = None, text: TextAsInCli = None, entity: Entity = None, language: Language = None, outlet: Outlet = None,
                   since: Since = None, until: Until = None) -> SearchFilters:
    _span(since, until)
    return SearchFilters(_words(q, text), entity, language, outlet, since, until)


def story_filters(q: Text = None, text: TextAsInCli = None, entity: Entity = None, language: Language = None, outlet: Outlet = None,
                  since: Since = None, until: Until = None, undated: Undated = None, sort: Sort = None, min_outlets: MinOutlets = None,
                  min_size: MinSize = None) -> SearchFilters:
    _span(since, until)
    return SearchFilters(_words(q, text), entity, language, outlet, since, until, undated, sort, min_outlets, min_size)


Filters = Annotated[SearchFilters, Depends(search_filters)]
StoryFilters = Annotated[SearchFilters, Depends(story_filters)]


def search(find, query):
    """Run a store search; a query the store cannot run (say, bad full-text syntax) is a 400."""
    try:
        return find(query)
    except MarsadError as error:
        raise HTTPException(400, str(error)) from None


def merged_into(store, story_id: str) -> str | None:
    """The story a story merged away now belongs to (its id stays the id of the article that began
    it, ``s`` + that article's id, and the article went with its members), or None."""
    if not STORY_ID.fullmatch(story_id):
        return None
    survivor = store.story_of([story_id[1:]]).get(story_id[1:])
    return survivor if survivor and survivor != story_id else None


# -- read ---------------------------------------------------------------------------------------
@router.get("/health", summary="Is the server up, and what does the store hold")
def health(request: Request) -> dict[str, Any]:
    return {"status": "ok", "encoder": request.app.state.engine.settings.encoder, "store": _store(request).counts().as_dict()}


_BAD_SEARCH = {400: {"description": "A search the store cannot run"}, 422: {"description": "A parameter out of range or of the wrong type"}}
_NOT_FOUND = {404: {"description": "No such id in the store (or an id of the wrong shape)"}}


@router.get("/stories", summary="List and search stories, newest publication first", responses=_BAD_SEARCH)
def list_stories(request: Request, filters: StoryFilters, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Stories whose articles match every filter given; `total` counts all matches, `items` is one page.
    Dates are publication dates: a story with none is listed after the dated ones, as `first_published: null`."""
    return search(_store(request).stories, StoryQuery(**filters.story_fields(), limit=limit, offset=offset)).as_dict()


@router.get("/stories/{story_id}", summary="One story with its articles (copies folded under their original)", responses=_NOT_FOUND)
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    """Each member carries `joined`: why it is in the story (`score_against_story`, `matched_article`,
    `matched_score`, `shared_entities`), as `marsad story --json` prints it."""
    store = _store(request)
    detail = store.story(story_id) if STORY_ID.fullmatch(story_id) else None
    if detail is None:
        if survivor := merged_into(_store(request), story_id):
            return RedirectResponse(f"/api/stories/{survivor}", status_code=308)
        raise HTTPException(404, f"no story {story_id[:40]!r} in the store")
    from marsad.cluster.membership import explain_members, story_with_reasons

    return story_with_reasons(detail, explain_members(detail, store))


@router.get("/articles", summary="List and search articles, newest publication first (undated last)", responses=_BAD_SEARCH)
def list_articles(request: Request, filters: Filters, story: Annotated[str | None, Query(max_length=40, description="Only this story's articles.")] = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    query = ArticleQuery(**filters.query_fields(), story_id=story or None, limit=limit, offset=offset)
    return search(_store(request).articles, query).as_dict()


@router.get("/articles/{article_id}", summary="One article: clean text, fields, entities, copies", responses=_NOT_FOUND)
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    stored = _store(request).article(article_id) if ARTICLE_ID.fullmatch(article_id) else None
    if stored is None:
        raise HTTPException(404, f"no article {article_id[:40]!r} in the store")
    return stored.as_dict()


@router.get("/compare", summary="Compare two stored articles: the seven scores and the evidence",
            responses={**_NOT_FOUND, 422: {"description": "The two articles cannot be compared"}, 503: {"description": "The model failed to load or run"}})
def compare(request: Request, a: Annotated[str, Query(max_length=40, description="An article id.")], b: Annotated[str, Query(max_length=40, description="Another article id.")]) -> dict[str, Any]:
    """The same JSON as `marsad compare --json`: `scores` (1 = very similar … 4 = unrelated) and `evidence`."""
    return compare_stored(request, a, b)[2]


ExportFormat = Annotated[Literal[FORMATS], Query(alias="format", description="`jsonl` (JSON Lines, the default), `csv` (UTF-8 with a byte-order mark, for spreadsheets) or `parquet` (needs pyarrow on the server).")]


def _first_read(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``records`` with the first one read now, so a search the store cannot run is a 400 instead of a cut stream."""
    records = iter(records)
    try:
        first = next(records, None)
    except MarsadError as error:
        raise HTTPException(400, str(error)) from None
    return records if first is None else itertools.chain([first], records)


@router.get("/export/{what}", summary="Export stories or articles as JSON Lines, CSV or Parquet (streamed)", response_class=StreamingResponse,
            responses={**_BAD_SEARCH, 200: {"description": "The file, as `marsad export` writes it", "content": {media: {} for media in MEDIA_TYPES.values()}},
                       501: {"description": "Parquet asked of a server without pyarrow"}})
def export(request: Request, what: Literal["stories", "articles"], filters: Filters, file_format: ExportFormat = "jsonl") -> StreamingResponse:
    """The same bytes as `marsad export WHAT FILE --format FORMAT` with the same filters (`text` or `q`, `entity`,
    `language`, `outlet`, `since`, `until`): every story or article the filters keep, streamed as it is read."""
    store = _store(request)
    if what == "stories":
        records, columns = store.export_stories(StoryQuery(**filters.query_fields())), EXPORT_STORY_COLUMNS
    else:
        records, columns = store.export_articles(ArticleQuery(**filters.query_fields())), EXPORT_ARTICLE_COLUMNS
    try:
        chunks = export_chunks(file_format, _first_read(records), columns)
    except ConfigError as error:  # no pyarrow: the server's lack, not the request's fault
        raise HTTPException(501, f"format={file_format}: {error}") from None
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[file_format], headers={"Content-Disposition": f'attachment; filename="{what}.{file_format}"'})


# -- write --------------------------------------------------------------------------------------
# Declares the write token in the OpenAPI description (clients generated from it can send it); the
# check itself reads the header, so a missing, malformed or wrong token gets the same one-line 401.
_WRITE_TOKEN = HTTPBearer(auto_error=False, scheme_name="writeToken",
                          description="The server's write token (`marsad serve --token T` or MARSAD_TOKEN), as `Authorization: Bearer T`; "
                                      "needed only when the server has one (always when it listens beyond loopback).")


def may_write(request: Request, authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
              _declared: Annotated[HTTPAuthorizationCredentials | None, Security(_WRITE_TOKEN)] = None) -> None:
    """The write endpoints' gate: the server's token when it has one; none at all on a server of samples."""
    settings = request.app.state.settings
    require_write_token(settings.write_token, authorization)
    if settings.writes_refused:
        raise HTTPException(409, settings.writes_refused)


@contextmanager
def _write_turn(request: Request, nothing_done: str):
    """Wait for this request's turn to write (one writer at a time), or 503 saying ``nothing_done``."""
    lock, wait = request.app.state.write_lock, request.app.state.settings.write_wait
    if not lock.acquire(timeout=wait):
        raise HTTPException(503, f"{nothing_done}: another write has held the store for over {wait:g} s (try again)", headers={"Retry-After": "10"})
    try:
        yield
    finally:
        lock.release()


def _ingest(request: Request, pages: list[tuple[int, PageIn]], source: str, invalid: list[IngestErrorOut] = ()) -> IngestOut:
    """Clean, analyse, cluster and store the pages (each with its place in the request); a page that fails is reported, the rest stored."""
    engine, store = request.app.state.engine, _store(request)
    raw = [page.raw_page(f"{source}[{index}]") for index, page in pages]
    with _write_turn(request, "nothing stored"):
        try:
            results = ingest_pages(engine, store, raw) if raw else []
        except (StoreError, ModelError) as error:  # nothing of the batch was stored; the server's fault
            raise HTTPException(503, f"nothing stored: {error}") from None
    articles, errors = [], list(invalid)
    for (index, _), result in zip(pages, results):
        if isinstance(result, InputError):
            errors.append(IngestErrorOut(index=index, error=str(result)))
        else:
            articles.append(IngestedOut(index=index, id=result.article_id, story_id=result.story_id, new_story=result.new_story, seen=result.seen, copy_of=result.copy_of, copy_kind=result.copy_kind))
    errors.sort(key=lambda error: error.index)
    return IngestOut(articles=articles, errors=errors)


def _checked_pages(pages: list[Any]) -> tuple[list[tuple[int, PageIn]], list[IngestErrorOut]]:
    """The batch's pages that have a page's shape, and one error for each that has not."""
    good, bad = [], []
    for index, page in enumerate(pages):
        try:
            good.append((index, PageIn.model_validate(page)))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in item['loc']) or 'page'}: {item['msg']}" for item in error.errors()[:5])
            bad.append(IngestErrorOut(index=index, error=f"batch[{index}]: {problems}"))
    return good, bad


_WRITE_ERRORS = {401: {"description": "The server needs its write token"}, 409: {"description": "The server keeps nothing (bundled samples)"},
                 413: {"description": "Body over the size limit"}, 503: {"description": "Nothing stored: the store is busy or failed"}}


@router.post("/articles", summary="Ingest one page", response_model=IngestOut, dependencies=[Depends(may_write)],
             responses={**_WRITE_ERRORS, 422: {"description": "The page could not be read"}})
async def ingest_page(request: Request, page: PageIn) -> IngestOut:
    """Clean, analyse and store one page; it joins a story (or starts one). A page that cannot be cleaned is a 422 naming the problem."""
    result = await run_in_threadpool(_ingest, request, [(0, page)], "page")
    if result.errors:
        raise HTTPException(422, result.errors[0].error)
    return result


@router.post("/articles/batch", summary="Ingest a batch of pages", response_model=IngestOut, dependencies=[Depends(may_write)], responses=_WRITE_ERRORS)
async def ingest_batch(request: Request, batch: BatchIn) -> IngestOut:
    """Each page is cleaned and stored on its own: a bad page is listed in `errors` and the others are still stored."""
    limit = request.app.state.settings.max_batch_pages
    if len(batch.pages) > limit:
        raise HTTPException(422, f"pages: {len(batch.pages)} pages in one batch, the limit is {limit} (split the batch)")
    good, bad = _checked_pages(batch.pages)
    return await run_in_threadpool(_ingest, request, good, "batch", bad)


class DeletedOut(BaseModel):
    id: str = Field(description="The deleted article.")
    story_id: str | None = Field(description="The story it left; its size, outlets, dates and headline are now those of the articles left.")
    story_deleted: bool = Field(description="It was its story's last article, so the story went too.")
    promoted: str | None = Field(None, description="Its earliest copy, which now stands in its place as an independent article.")


@router.delete("/articles/{article_id}", summary="Delete one stored article", response_model=DeletedOut, dependencies=[Depends(may_write)],
               responses={**_NOT_FOUND, **{status: _WRITE_ERRORS[status] for status in (401, 409)},
                          503: {"description": "Nothing deleted: the store is busy or failed"}})
def delete_article(request: Request, article_id: str) -> DeletedOut:
    """As `marsad delete ID --json`, in one transaction: the article leaves its story, which is recomputed
    from the articles left (and deleted when none is). To delete several, send one request each."""
    if not ARTICLE_ID.fullmatch(article_id):
        raise HTTPException(404, f"no article {article_id[:40]!r} (article ids are 16 hex digits)")
    with _write_turn(request, "nothing deleted"):
        try:
            deleted = _store(request).delete_article(article_id)
        except StoreError as error:  # the transaction rolled back; the server's fault
            raise HTTPException(503, f"nothing deleted: {error}") from None
    if deleted is None:
        raise HTTPException(404, f"no article {article_id!r} in the store (nothing deleted)")
    return DeletedOut(**deleted.as_dict())
