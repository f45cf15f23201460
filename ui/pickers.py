"""Search-as-you-type entity pickers, kept in the URL (`?entity=…`) so a view can be shared by link."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from common.errors import KGError, StoreUnavailable
from ui import state
from ui.labels import entity_caption

# Above this many options the picker switches from a browser-filtered list to a server search.
MAX_CLIENT_OPTIONS = 5000


def _url_entity(sess: state.Session, param: str) -> str | None:
    raw = st.query_params.get(param)
    if not raw:
        return None
    try:
        return sess.store.resolve(raw)
    except StoreUnavailable:
        raise           # the page guard says "unavailable", not "not found"
    except KGError:
        st.caption(f"URL: `{raw}` 未找到 not found")
        return None


def entity_picker(sess: state.Session, title: str, key: str, labels: Sequence[str] | None = None,
                  url_param: str | None = None, placeholder: str = "输入名称搜索 type to search…") -> str | None:
    """One entity id (or None). Typing filters the list on every keystroke."""
    from_url = _url_entity(sess, url_param) if url_param else None
    if state.cached_stats(sess.store, sess.key).total_nodes > MAX_CLIENT_OPTIONS:
        return _server_search_picker(sess, title, key, labels, url_param, from_url)
    index = state.cached_entity_index(sess.store, sess.key)
    if labels:
        wanted = set(labels)
        index = [r for r in index if r[1] in wanted]
    names = {r[0]: entity_caption(r[1], r[2]) for r in index}
    if from_url and from_url not in names:
        node, _ = state.cached_entity(sess.store, sess.key, from_url)
        names[from_url] = entity_caption(node.label, node.name)
    if from_url and st.session_state.get(f"_{key}_url") != from_url:
        # A new link was opened: it wins over the widget's remembered value.
        st.session_state[key] = from_url
        st.session_state[f"_{key}_url"] = from_url
    chosen = st.selectbox(title, options=list(names), key=key, index=None,
                          format_func=lambda i: names.get(i, i), placeholder=placeholder)
    if url_param:
        _sync_url(url_param, chosen, key)
    return chosen


def _server_search_picker(sess, title, key, labels, url_param, from_url) -> str | None:
    query = st.text_input(title, key=f"{key}_q", placeholder="输入名称 name or alias")
    hits = state.cached_search(sess.store, sess.key, query, tuple(labels or ()), 30) if query else []
    options = {h.id: entity_caption(h.label, h.name) for h in hits}
    if from_url and from_url not in options:
        node, _ = state.cached_entity(sess.store, sess.key, from_url)
        options = {from_url: entity_caption(node.label, node.name), **options}
    if options and st.session_state.get(key) not in options:
        st.session_state[key] = next(iter(options))  # the best hit of a new search
    chosen = st.selectbox("匹配 matches", options=list(options), key=key, format_func=lambda i: options.get(i, i))
    if url_param:
        _sync_url(url_param, chosen, key)
    return chosen


def _sync_url(param: str, chosen: str | None, key: str) -> None:
    if chosen and st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
        st.session_state[f"_{key}_url"] = chosen
    elif not chosen and param in st.query_params:
        del st.query_params[param]


def entities_picker(sess: state.Session, title: str, key: str, url_param: str = "entity",
                    labels: Sequence[str] | None = None) -> list[str]:
    """Several entity ids; the URL holds them as repeated `?entity=…` values."""
    if state.cached_stats(sess.store, sess.key).total_nodes > MAX_CLIENT_OPTIONS:
        one = entity_picker(sess, title, key=f"{key}_one", labels=labels, url_param=url_param)
        return [one] if one else []
    index = state.cached_entity_index(sess.store, sess.key)
    if labels:
        wanted = set(labels)
        index = [r for r in index if r[1] in wanted]
    names = {r[0]: entity_caption(r[1], r[2]) for r in index}
    raw = tuple(st.query_params.get_all(url_param))
    if raw and st.session_state.get(f"_{key}_url") != raw:
        resolved = []
        for value in raw:
            try:
                resolved.append(sess.store.resolve(value))
            except KGError:
                st.caption(f"URL: `{value}` 未找到 not found")
        st.session_state[key] = [i for i in resolved if i in names]
        st.session_state[f"_{key}_url"] = raw
    chosen = st.multiselect(title, options=list(names), key=key, format_func=lambda i: names.get(i, i),
                            placeholder="输入名称搜索 type to search…")
    if tuple(chosen) != raw:
        st.query_params[url_param] = chosen
        st.session_state[f"_{key}_url"] = tuple(chosen)
    return chosen
