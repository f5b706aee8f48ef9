"""The HTML pages: one handler and one template each; the view modules build what they show."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup, escape

from marsad.serve.api import ARTICLE_ID, STORY_ID, Filters, StoryFilters, compare_stored, merged_into, search
from marsad.serve.article_view import article_view
from marsad.serve.compare_view import compare_view
from marsad.serve.interface import interface_language, remember_choices
from marsad.serve.story_view import story_view
from marsad.store.base import ArticleQuery, StoryQuery

router = APIRouter(include_in_schema=False)  # pages ignore parameters they do not take: shared links carry utm_source, fbclid …


def _render(request: Request, template: str, **context) -> HTMLResponse:
    return remember_choices(request, request.app.state.templates.TemplateResponse(request, template, context))


_CODE = re.compile(r"`([^`]+)`")


def _markdown_code(text: str) -> Markup:
    """The OpenAPI descriptions' `code` spans as <code>, everything else escaped."""
    parts = _CODE.split(text or "")
    return Markup("").join(Markup("<code>{}</code>").format(part) if index % 2 else escape(part) for index, part in enumerate(parts))


@router.get("/", response_class=HTMLResponse)
def stories_page(request: Request, filters: StoryFilters, page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    size = request.app.state.settings.page_size
    store = request.app.state.store
    result = search(store.stories, StoryQuery(**filters.story_fields(), limit=size, offset=(page - 1) * size))

    def page_link(number: int) -> str:
        return "/?" + urlencode({**filters.given(), "page": number})

    return _render(
        request,
        "stories.html",
        result=result,
        filters=filters.given(),
        q=filters.q or "",
        previous=page_link(page - 1) if page > 1 else None,
        next=page_link(page + 1) if page * size < result.total else None,
        counts=store.counts(),
        samples=request.app.state.settings.writes_refused is not None,  # the bundled samples, held in memory: no store
    )


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, filters: Filters, page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    """Stored articles, newest publication first: the page twin of ``marsad articles``."""
    size = request.app.state.settings.page_size
    result = search(request.app.state.store.articles, ArticleQuery(**filters.query_fields(), limit=size, offset=(page - 1) * size))

    def page_link(number: int) -> str:
        return "/articles?" + urlencode({**filters.given(), "page": number})

    return _render(request, "articles.html", result=result, filters=filters.given(), q=filters.q or "",
                   previous=page_link(page - 1) if page > 1 else None, next=page_link(page + 1) if page * size < result.total else None)


@router.get("/story/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str):
    store = request.app.state.store
    detail = store.story(story_id) if STORY_ID.fullmatch(story_id) else None
    if detail is None:
        if survivor := merged_into(store, story_id):  # merged into another story: show that one
            return RedirectResponse(f"/story/{survivor}", status_code=308)
        raise HTTPException(404, f"no story {story_id[:40]!r} in the store")
    view = story_view(detail, store, interface_language(request))
    return _render(request, "story.html", story=view)


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str):
    store = request.app.state.store
    stored = store.article(article_id) if ARTICLE_ID.fullmatch(article_id) else None
    analysed = store.analysed(article_id) if stored else None
    if stored is None or analysed is None:
        raise HTTPException(404, f"no article {article_id[:40]!r} in the store")
    # Dates and numbers as the text writes them ("الأربعاء", "ست ساعات"), each value once; the
    # resolved value is the hover note (in the reader's language for a date).
    dates: dict[str, tuple[str, str]] = {}
    quantities: dict[str, tuple[str, str]] = {}
    for mention in analysed.analysis.dates:
        dates.setdefault(mention.value, (mention.text, mention.value))  # first mention, in text order
    for quantity in analysed.analysis.quantities:
        quantities.setdefault(quantity.key, (quantity.text, quantity.key))
    facts = {"dates": list(dates.values()), "quantities": list(quantities.values())}
    return _render(request, "article.html", stored=stored, facts=facts,
                   view=article_view(analysed, outlet=stored.outlet, copies=stored.copies))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, a: Annotated[str, Query(max_length=40)], b: Annotated[str, Query(max_length=40)]):
    doc_a, doc_b, comparison = compare_stored(request, a, b)
    store = request.app.state.store
    ref_a, ref_b = store.article(a), store.article(b)
    view = compare_view(doc_a, doc_b, comparison, outlet_a=ref_a.outlet if ref_a else None, outlet_b=ref_b.outlet if ref_b else None,
                        language=interface_language(request))
    return _render(request, "compare.html", view=view, scores=comparison["scores"])


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request):
    """The OpenAPI description as a page (FastAPI's own docs pages would load scripts from a CDN)."""
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            responses = dict(operation.get("responses", {}))
            # FastAPI lists a 422 for every operation with parameters; a path id is only ever
            # not found (404), so the 422 stays where a query parameter or a body can be invalid
            # (marsad answers it as one line naming the field; malformed JSON is a 400).
            if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])) or operation.get("requestBody"):
                responses["422"] = {"description": "A parameter or field is invalid (one line naming it)"}
            else:
                responses.pop("422", None)
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": _markdown_code(operation.get("summary", "")),
                    "description": _markdown_code(operation.get("description", "")),
                    "parameters": [{**parameter, "description": _markdown_code(parameter.get("description", ""))} for parameter in operation.get("parameters", [])],
                    "body": body.get("$ref", "").rsplit("/", 1)[-1] or None,
                    "responses": [(code, _markdown_code(response.get("description", ""))) for code, response in sorted(responses.items())],
                }
            )
    models = {name: {**model, "description": _markdown_code(model.get("description", "")),
                     "properties": {field: {**spec, "description": _markdown_code(spec.get("description") or spec.get("title") or "")}
                                    for field, spec in model.get("properties", {}).items()}}
              for name, model in schema.get("components", {}).get("schemas", {}).items()}
    info = {key: _markdown_code(schema.get("info", {}).get(key) or "") for key in ("title", "version", "summary", "description")}
    return _render(request, "docs.html", schema=schema, info=info, operations=operations, models=models)
