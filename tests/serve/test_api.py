"""The JSON API: every endpoint, its filters and paging, and its answers to bad requests."""

from __future__ import annotations

import json

from tests.serve.conftest import REUTERS, UNRELATED, WASHINGTON

HELSINKI = "place:658225"


def story_of(served, article_id: str) -> str:
    return served.client.get(f"/api/articles/{article_id}").json()["story_id"]


# -- health and the description -----------------------------------------------------------------
def test_health_counts_what_the_store_holds(served):
    body = served.client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["encoder"] == "hashing"
    assert body["store"]["articles"] == 7  # 3 samples + 4 pages
    assert body["store"]["copies"] == 1


def test_openapi_describes_every_endpoint_and_docs_page_lists_them(served):
    paths = served.client.get("/openapi.json").json()["paths"]
    expected = {"/api/health", "/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}", "/api/compare", "/api/articles/batch",
                "/api/export/{what}"}
    assert expected <= set(paths)
    assert "post" in paths["/api/articles"] and "get" in paths["/api/articles"]
    assert "delete" in paths["/api/articles/{article_id}"] and "get" in paths["/api/articles/{article_id}"]
    docs = served.client.get("/docs").text
    for path in expected:
        assert f"<code>{path}</code>" in docs


# -- stories -------------------------------------------------------------------------------------
def test_stories_list_newest_first_with_sizes(served):
    page = served.client.get("/api/stories").json()
    assert page["total"] == 4 and len(page["items"]) == 4
    helsinki = next(item for item in page["items"] if item["id"] == story_of(served, REUTERS))
    assert helsinki["size"] == 3 and helsinki["articles"] == 4  # the wire copy is not independent coverage
    assert set(helsinki["outlets"]) >= {"arabic.example.net", "wire.example.org"}
    dated = [item["last_published"] for item in page["items"] if item["last_published"]]
    assert dated == sorted(dated, reverse=True)


def test_stories_paging(served):
    everything = served.client.get("/api/stories").json()["items"]
    second = served.client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert second["total"] == 4 and second["limit"] == 1 and second["offset"] == 1
    assert [item["id"] for item in second["items"]] == [everything[1]["id"]]


def test_stories_search_by_text_entity_language_outlet(served):
    def ids(**params):
        return {item["id"] for item in served.client.get("/api/stories", params=params).json()["items"]}

    helsinki, english, unrelated = story_of(served, REUTERS), story_of(served, served.english), story_of(served, UNRELATED)
    assert ids(q="هلسنكي") == {helsinki, english}
    assert ids(q="الوداد") == {unrelated}
    assert ids(q="Milley") == {english}
    assert helsinki in ids(entity=HELSINKI) and unrelated not in ids(entity=HELSINKI)
    assert english in ids(language="en") and helsinki not in ids(language="en")
    assert ids(outlet="arabic.example.net") == {helsinki}
    assert ids(q="nothing-like-this-anywhere") == set()


def test_stories_by_date_range(served):
    def ids(**params):
        return {item["id"] for item in served.client.get("/api/stories", params=params).json()["items"]}

    late = ids(since="2021-09-30")
    assert story_of(served, served.hostile) in late and story_of(served, REUTERS) not in late
    assert story_of(served, REUTERS) in ids(since="2021-09-01", until="2021-09-22")
    assert story_of(served, served.hostile) not in ids(until="2021-09-25")


def test_stories_bad_parameters_are_422_naming_the_parameter(served):
    for params, name in [({"since": "last tuesday"}, "since"), ({"limit": 0}, "limit"), ({"limit": 10_000}, "limit"), ({"offset": -1}, "offset")]:
        response = served.client.get("/api/stories", params=params)
        assert response.status_code == 422, params
        assert name in response.json()["detail"]


def test_story_with_its_articles_and_folded_copies(served):
    story = served.client.get(f"/api/stories/{story_of(served, REUTERS)}").json()
    members = {member["id"]: member for member in story["members"]}
    assert set(members) == {WASHINGTON, REUTERS, served.conflicting}
    assert [copy["id"] for copy in members[REUTERS]["copies"]] == [served.wire_copy]
    assert members[REUTERS]["copies"][0]["copy_kind"] in ("wire", "near-duplicate")
    assert HELSINKI in {entity["id"] for entity in story["shared_entities"]}


def test_unknown_or_malformed_story_ids_are_404(served):
    for story_id in ["s0000000000000000", "nope", "s" + "f" * 40, "%2e%2e"]:
        response = served.client.get(f"/api/stories/{story_id}")
        assert response.status_code == 404, story_id
        assert "no story" in response.json()["detail"]
    for path in ["/api/stories/..%2F..%2Fetc%2Fpasswd", "/api/stories/../../etc/passwd", "/api/stories/s/../../pyproject.toml"]:
        response = served.client.get(path)
        assert response.status_code == 404, path
        assert "root:" not in response.text and "[project]" not in response.text


# -- articles ------------------------------------------------------------------------------------
def test_article_clean_text_fields_entities(served):
    article = served.client.get(f"/api/articles/{served.conflicting}").json()
    assert article["title"].startswith("قائدا الجيشين")
    assert article["outlet"] == "arabic.example.net"
    assert article["published"] == "2021-09-22"
    assert article["language"] == "ar"
    assert len(article["paragraphs"]) == 3
    assert HELSINKI in {entity["id"] for entity in article["entities"]}
    # within one article an entity is counted in mentions, not articles
    assert all(set(entity) == {"id", "kind", "label", "mentions"} and entity["mentions"] >= 1 for entity in article["entities"])
    original = served.client.get(f"/api/articles/{REUTERS}").json()
    assert [copy["id"] for copy in original["copies"]] == [served.wire_copy]


def test_articles_search_and_story_filter(served):
    found = served.client.get("/api/articles", params={"q": "Gerasimov"}).json()
    assert [item["id"] for item in found["items"]] == [served.english]
    members = served.client.get("/api/articles", params={"story": story_of(served, REUTERS)}).json()
    assert members["total"] == 4


def test_unknown_or_malformed_article_ids_are_404(served):
    for article_id in ["0000000000000000", "DC11BC132F0D2CBD", "x", "..%2F..%2Fpyproject.toml", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"]:
        response = served.client.get(f"/api/articles/{article_id}")
        assert response.status_code == 404, article_id
        assert response.headers["content-type"].startswith("application/json")


# -- compare -------------------------------------------------------------------------------------
def test_compare_two_articles_gives_the_compare_json(served):
    body = served.client.get("/api/compare", params={"a": REUTERS, "b": served.conflicting}).json()
    assert set(body["scores"]) == {"overall", "geography", "entities", "time", "narrative", "style", "tone"}
    assert all(1 <= score <= 4 for score in body["scores"].values())
    assert set(body["evidence"]) == {"shared", "aligned", "only_a", "only_b", "conflicts"}
    assert HELSINKI in {place["id"] for place in body["evidence"]["shared"]["places"]}
    hours = [c for c in body["evidence"]["conflicts"] if c["slot"] == "hour"]
    assert hours and {hours[0]["a"]["value"], hours[0]["b"]["value"]} == {6.0, 5.0}


def test_compare_same_event_scores_closer_than_different_events(served):
    same = served.client.get("/api/compare", params={"a": REUTERS, "b": served.conflicting}).json()["scores"]["overall"]
    different = served.client.get("/api/compare", params={"a": REUTERS, "b": UNRELATED}).json()["scores"]["overall"]
    assert same < different


def test_compare_unknown_article_is_404_and_missing_parameter_422(served):
    assert served.client.get("/api/compare", params={"a": REUTERS, "b": "0123456789abcdef"}).status_code == 404
    assert served.client.get("/api/compare", params={"a": "../../etc/passwd", "b": REUTERS}).status_code == 404
    missing = served.client.get("/api/compare", params={"a": REUTERS})
    assert missing.status_code == 422 and "b" in missing.json()["detail"]


# -- ingest --------------------------------------------------------------------------------------
PAGE = {
    "title": "اجتماع ثالث في هلسنكي بين قائدي الجيشين",
    "text": "عقد قائدا الجيشين الأميركي والروسي اجتماعا ثالثا في هلسنكي اليوم لبحث تخفيف المخاطر. " * 3,
    "published": "2021-10-05",
    "url": "https://third.example.com/news/1",
}


def test_ingest_one_page_stores_it_in_a_story(fresh):
    response = fresh.client.post("/api/articles", json=PAGE)
    assert response.status_code == 200, response.text
    [stored] = response.json()["articles"]
    article = fresh.client.get(f"/api/articles/{stored['id']}").json()
    assert article["title"] == PAGE["title"] and article["outlet"] == "third.example.com"
    assert article["story_id"] == stored["story_id"]
    again = fresh.client.post("/api/articles", json=PAGE).json()["articles"][0]
    assert again["seen"] is True and again["id"] == stored["id"]


def test_ingest_batch_keeps_good_pages_when_one_fails(fresh):
    before = fresh.client.get("/api/health").json()["store"]["articles"]
    batch = {"pages": [PAGE, {"text": "?"}, {**PAGE, "title": "عنوان آخر", "url": "https://other.example.com/2"}]}
    response = fresh.client.post("/api/articles/batch", json=batch)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["index"] for item in body["articles"]] == [0, 2]
    assert [error["index"] for error in body["errors"]] == [1]
    assert "batch[1]" in body["errors"][0]["error"]
    assert fresh.client.get("/api/health").json()["store"]["articles"] == before + 2


def test_ingest_one_unreadable_page_is_422_with_the_problem(fresh):
    response = fresh.client.post("/api/articles", json={"text": "?"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("page[0]:")


def test_ingest_malformed_json_is_400(fresh):
    response = fresh.client.post("/api/articles", content=b'{"text": "abc",', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("malformed JSON")


def test_ingest_wrong_shapes_are_422_naming_the_field(fresh):
    cases = [
        ({}, "html"),  # neither html nor text
        ({"text": 12.5, "title": ["a"]}, "title"),
        ({"text": "abc", "colour": "red"}, "colour"),  # unknown field
        ([PAGE], "body"),
    ]
    for body, word in cases:
        response = fresh.client.post("/api/articles", json=body)
        assert response.status_code == 422, body
        assert word in response.json()["detail"], response.json()
    assert fresh.client.post("/api/articles/batch", json={"pages": []}).status_code == 422
    too_many = fresh.client.post("/api/articles/batch", json={"pages": [PAGE] * 6})
    assert too_many.status_code == 422 and "limit is 5" in too_many.json()["detail"]


def test_ingest_oversize_body_is_413_declared_or_streamed(fresh):
    big = json.dumps({"text": "كلمة " * 20_000}).encode()
    assert len(big) > 64 * 1024
    declared = fresh.client.post("/api/articles", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert "limit" in declared.json()["detail"]

    def chunks():  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    streamed = fresh.client.post("/api/articles", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert fresh.client.get("/api/health").json()["store"]["articles"] == 7


def test_ingest_needs_json(fresh):
    # What a form on another site can send without the browser asking first: refused, so no
    # web page can make a reader's browser store pages.
    response = fresh.client.post("/api/articles", content=b"text=abc", headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 422
    disguised = fresh.client.post("/api/articles", content=json.dumps(PAGE).encode(), headers={"content-type": "text/plain"})
    assert disguised.status_code == 422
    assert fresh.client.get("/api/health").json()["store"]["articles"] == 7


def test_get_only_endpoints_refuse_other_methods(served):
    assert served.client.put(f"/api/articles/{REUTERS}", json={}).status_code == 405
    assert served.client.delete(f"/api/stories/{story_of(served, REUTERS)}").status_code == 405
    assert served.client.post("/api/stories", json={}).status_code == 405


def test_ingest_batch_bad_pages_are_errors_of_their_own(fresh):
    """A wrong field type, a lone surrogate, NUL and control characters: each an error of its page, the others stored."""
    before = fresh.client.get("/api/health").json()["store"]["articles"]
    pages = [
        {**PAGE, "title": ["not", "a", "string"]},
        {**PAGE, "text": PAGE["text"] + " \ud800", "title": "surrogate"},
        {**PAGE, "text": "\x00" + PAGE["text"], "title": "nul"},
        {**PAGE, "text": "\x01\x02\x03 " * 50 + PAGE["text"], "title": "controls"},
        PAGE,
    ]
    body = json.dumps({"pages": pages}).encode()  # json.dumps spells the lone surrogate "\ud800", as a client would
    response = fresh.client.post("/api/articles/batch", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    result = response.json()
    assert [item["index"] for item in result["articles"]] == [4]
    errors = {error["index"]: error["error"] for error in result["errors"]}
    assert sorted(errors) == [0, 1, 2, 3]
    assert errors[0].startswith("batch[0]: title")
    assert "surrogate" in errors[1] and "NUL" in errors[2] and "control characters" in errors[3]
    assert fresh.client.get("/api/health").json()["store"]["articles"] == before + 1


def test_ingest_deeply_nested_body_is_400(fresh):
    deep = b"{\"pages\": " + b"[" * 30_000 + b"]" * 30_000 + b"}"  # under the 64 KB limit of the fixture
    response = fresh.client.post("/api/articles/batch", content=deep, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422), response.text


def test_a_parameter_the_request_does_not_take_is_named_not_ignored(served):
    response = served.client.get("/api/stories", params={"min-outlets": 2})
    assert response.status_code == 422 and "min-outlets: not a parameter" in response.json()["detail"] and "min_outlets?" in response.json()["detail"]
    assert served.client.get("/api/export/stories", params={"min_outlets": 2}).status_code == 422  # export filters as `marsad export` does
    span = served.client.get("/api/articles", params={"since": "2021-09-30", "until": "2021-09-01"})
    assert span.status_code == 422 and "since (2021-09-30) is after until (2021-09-01)" in span.json()["detail"]
    assert served.client.get("/api/stories", params={"language": "AR"}).json()["total"] == served.client.get("/api/stories", params={"language": "ar"}).json()["total"] > 0
    assert served.client.get("/", params={"utm_source": "newsletter"}).status_code == 200  # a page ignores a shared link's extras


def test_the_openapi_description_declares_the_write_token(served):
    schema = served.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["writeToken"] == {**schema["components"]["securitySchemes"]["writeToken"], "type": "http", "scheme": "bearer"}
    writes = {(path, method) for path, methods in schema["paths"].items() for method, operation in methods.items() if operation.get("security")}
    assert writes == {("/api/articles", "post"), ("/api/articles/batch", "post"), ("/api/articles/{article_id}", "delete")}


def test_a_published_date_marsad_cannot_read_is_refused_not_dropped(fresh):
    body = {"text": "The talks in Helsinki lasted six hours, officials said on Wednesday, and both sides agreed to meet again. " * 3,
            "title": "Talks in Helsinki", "published": "yesterday-ish"}
    refused = fresh.client.post("/api/articles", json=body)
    assert refused.status_code == 422 and "published: 'yesterday-ish' is not a date marsad reads" in refused.json()["detail"]
    batch = fresh.client.post("/api/articles/batch", json={"pages": [body, {**body, "published": "Wed, 22 Sep 2021 10:00:00 GMT"}]}).json()
    assert [e["index"] for e in batch["errors"]] == [0] and [a["index"] for a in batch["articles"]] == [1]
    assert fresh.client.get(f"/api/articles/{batch['articles'][0]['id']}").json()["published"] == "2021-09-22"
