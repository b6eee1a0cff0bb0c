-- Featureboard's data in PostgreSQL: what `./manage.py export TENANT APP --format jsonl --full`
-- writes, one table per kind of record. Times are timestamptz (the dump has ms since the
-- epoch); people are id, name and email columns. Safe to run again.

CREATE TABLE IF NOT EXISTS fb_staging (line jsonb NOT NULL);  -- lines before load.sql

CREATE TABLE IF NOT EXISTS fb_requests (
    tenant              text        NOT NULL,
    app                 text        NOT NULL,
    id                  text        NOT NULL,
    title               text        NOT NULL,
    description         text        NOT NULL DEFAULT '',
    status              text        NOT NULL,  -- one of the app's statuses (fb_apps; default: open … duplicate)
    priority            text        NOT NULL,
    tags                text[]      NOT NULL DEFAULT '{}',
    votes               integer     NOT NULL DEFAULT 0,
    comment_count       integer     NOT NULL DEFAULT 0,
    author_id           text        NOT NULL,
    author_name         text,
    author_email        text,
    response            text,
    duplicate_of        text,       -- the request this one was merged into
    status_before_merge text,
    insights            jsonb,      -- the last AI analysis: sentiment, category, score, summary
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    updated_by          text,
    version             integer     NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant, app, id)
);

-- added with boards: a request's board (general for every request from before boards)
ALTER TABLE fb_requests ADD COLUMN IF NOT EXISTS board text NOT NULL DEFAULT 'general';

-- an app's own statuses and boards, as GET /v1/apps/{appId} shows them (none: the defaults)
CREATE TABLE IF NOT EXISTS fb_apps (
    tenant   text  NOT NULL,
    app      text  NOT NULL,
    statuses jsonb,       -- [{id, name, color, kind, roadmap?}] in display order
    boards   jsonb,       -- [{id, name, description, visibility}]
    PRIMARY KEY (tenant, app)
);

-- votes, and (moved = true) the record a merge keeps on the merged request of each vote it moved
CREATE TABLE IF NOT EXISTS fb_votes (
    tenant            text        NOT NULL,
    app               text        NOT NULL,
    request_id        text        NOT NULL,
    user_id           text        NOT NULL,
    moved             boolean     NOT NULL DEFAULT false,
    user_name         text,
    user_email        text,
    created_at        timestamptz NOT NULL,
    origin            text,       -- the request a merge moved this vote from
    moved_to          text,
    created_on_target boolean,
    PRIMARY KEY (tenant, app, request_id, user_id, moved)
);

CREATE TABLE IF NOT EXISTS fb_subscriptions (
    tenant     text NOT NULL,
    app        text NOT NULL,
    request_id text NOT NULL,
    user_id    text NOT NULL,
    user_name  text,
    user_email text,
    PRIMARY KEY (tenant, app, request_id, user_id)
);

CREATE TABLE IF NOT EXISTS fb_comments (
    tenant       text        NOT NULL,
    app          text        NOT NULL,
    request_id   text        NOT NULL,
    id           text        NOT NULL,
    body         text        NOT NULL,
    author_id    text        NOT NULL,
    author_name  text,
    author_email text,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant, app, request_id, id)
);
-- comments of the workflow release: internal notes, edits, reaction counts ({"+1": 3})
ALTER TABLE fb_comments ADD COLUMN IF NOT EXISTS internal boolean NOT NULL DEFAULT false;
ALTER TABLE fb_comments ADD COLUMN IF NOT EXISTS edited_at timestamptz;
ALTER TABLE fb_comments ADD COLUMN IF NOT EXISTS reactions jsonb NOT NULL DEFAULT '{}';

-- one user's reactions to one comment (+1, heart, tada, laugh, eyes)
CREATE TABLE IF NOT EXISTS fb_reactions (
    tenant     text   NOT NULL,
    app        text   NOT NULL,
    request_id text   NOT NULL,
    comment_id text   NOT NULL,
    user_id    text   NOT NULL,
    reactions  text[] NOT NULL,
    PRIMARY KEY (tenant, app, request_id, comment_id, user_id)
);

-- moderation (added 2026-11-29): 'pending' waits for the team, 'approved' waited; null never
-- did. Added by ALTER so that a database made by the earlier schema takes it on re-run.
ALTER TABLE fb_requests ADD COLUMN IF NOT EXISTS moderation text
    CHECK (moderation IN ('pending', 'approved'));
ALTER TABLE fb_comments ADD COLUMN IF NOT EXISTS moderation text
    CHECK (moderation IN ('pending', 'approved'));

CREATE TABLE IF NOT EXISTS fb_feedback (
    tenant     text        NOT NULL,
    app        text        NOT NULL,
    id         text        NOT NULL,
    message    text        NOT NULL,
    rating     integer,
    type       text,
    name       text,
    email      text,
    user_id    text,
    page       text,
    sentiment  text,
    extra      jsonb,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, app, id)
);

-- changelog entries: drafts and published ones; html is the sanitised rendering of body
CREATE TABLE IF NOT EXISTS fb_changelog (
    tenant          text        NOT NULL,
    app             text        NOT NULL,
    id              text        NOT NULL,
    title           text        NOT NULL,
    body            text        NOT NULL,
    html            text        NOT NULL,
    request_ids     text[]      NOT NULL DEFAULT '{}',  -- the requests it announces
    complete_linked boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL,  -- draft, published
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    published_at    timestamptz,
    version         integer     NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant, app, id)
);

-- an object without its null members (the dump leaves absent values out)
CREATE OR REPLACE FUNCTION fb_compact(o jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb)
    FROM jsonb_each(o) WHERE value <> 'null'::jsonb
$$;

CREATE OR REPLACE FUNCTION fb_ms(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT round(extract(epoch FROM t) * 1000)::bigint
$$;

CREATE OR REPLACE FUNCTION fb_time(ms jsonb) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
    SELECT to_timestamp((ms #>> '{}')::numeric / 1000)
$$;

CREATE OR REPLACE FUNCTION fb_person(id text, name text, email text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT fb_compact(jsonb_build_object('id', id, 'name', name, 'email', email))
$$;
