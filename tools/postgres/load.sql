-- The staged lines (fb_staging) become one app's rows, replacing what that app had.
-- Set the app first: SET featureboard.tenant = 'acme'; SET featureboard.app = 'web';
BEGIN;

CREATE TEMP VIEW fb_target AS
    SELECT current_setting('featureboard.tenant') AS tenant,
           current_setting('featureboard.app') AS app;

DELETE FROM fb_requests USING fb_target t WHERE fb_requests.tenant = t.tenant AND fb_requests.app = t.app;
DELETE FROM fb_votes USING fb_target t WHERE fb_votes.tenant = t.tenant AND fb_votes.app = t.app;
DELETE FROM fb_subscriptions USING fb_target t
    WHERE fb_subscriptions.tenant = t.tenant AND fb_subscriptions.app = t.app;
DELETE FROM fb_comments USING fb_target t WHERE fb_comments.tenant = t.tenant AND fb_comments.app = t.app;
DELETE FROM fb_reactions USING fb_target t WHERE fb_reactions.tenant = t.tenant AND fb_reactions.app = t.app;
DELETE FROM fb_feedback USING fb_target t WHERE fb_feedback.tenant = t.tenant AND fb_feedback.app = t.app;
DELETE FROM fb_changelog USING fb_target t
    WHERE fb_changelog.tenant = t.tenant AND fb_changelog.app = t.app;
DELETE FROM fb_apps USING fb_target t WHERE fb_apps.tenant = t.tenant AND fb_apps.app = t.app;

INSERT INTO fb_apps
SELECT t.tenant, t.app, l->'statuses', l->'boards'
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'settings';

INSERT INTO fb_requests
SELECT t.tenant, t.app, l->>'id', l->>'title', coalesce(l->>'description', ''), l->>'status',
       l->>'priority', ARRAY(SELECT jsonb_array_elements_text(coalesce(l->'tags', '[]'))),
       coalesce((l->>'votes')::integer, 0), coalesce((l->>'commentCount')::integer, 0),
       l#>>'{author,id}', l#>>'{author,name}', l#>>'{author,email}',
       l->>'response', l->>'duplicateOf', l->>'statusBeforeMerge', l->'insights',
       fb_time(l->'createdAt'), fb_time(l->'updatedAt'), l->>'updatedBy',
       coalesce((l->>'version')::integer, 1), coalesce(l->>'board', 'general'), l->>'moderation'
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'request';

INSERT INTO fb_votes
SELECT t.tenant, t.app, l->>'requestId', l#>>'{user,id}', l->>'kind' = 'movedVote',
       l#>>'{user,name}', l#>>'{user,email}', fb_time(l->'createdAt'), l->>'origin',
       l->>'movedTo', (l->>'createdOnTarget')::boolean
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' IN ('vote', 'movedVote');

INSERT INTO fb_subscriptions
SELECT t.tenant, t.app, l->>'requestId', l#>>'{user,id}', l#>>'{user,name}', l#>>'{user,email}'
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'subscription';

INSERT INTO fb_comments (tenant, app, request_id, id, body, author_id, author_name, author_email,
                         created_at, internal, edited_at, reactions, moderation)
SELECT t.tenant, t.app, l->>'requestId', l->>'id', l->>'body',
       l#>>'{author,id}', l#>>'{author,name}', l#>>'{author,email}', fb_time(l->'createdAt'),
       coalesce((l->>'internal')::boolean, false), fb_time(l->'editedAt'),
       coalesce(l->'reactions', '{}'),
       l->>'moderation'
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'comment';

INSERT INTO fb_reactions
SELECT t.tenant, t.app, l->>'requestId', l->>'commentId', l->>'userId',
       ARRAY(SELECT jsonb_array_elements_text(l->'reactions'))
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'reactions';

INSERT INTO fb_feedback
SELECT t.tenant, t.app, l->>'id', l->>'message', (l->>'rating')::integer, l->>'feedbackType',
       l->>'name', l->>'email', l->>'userId', l->>'page', l->>'sentiment', l->'extra',
       fb_time(l->'createdAt')
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'feedback';

INSERT INTO fb_changelog
SELECT t.tenant, t.app, l->>'id', l->>'title', l->>'body', l->>'html',
       ARRAY(SELECT jsonb_array_elements_text(coalesce(l->'requestIds', '[]'))),
       coalesce((l->>'completeLinked')::boolean, false), l->>'status',
       fb_time(l->'createdAt'), fb_time(l->'updatedAt'), fb_time(l->'publishedAt'),
       coalesce((l->>'version')::integer, 1)
FROM fb_staging s CROSS JOIN fb_target t CROSS JOIN LATERAL (SELECT s.line AS l) x
WHERE l->>'kind' = 'changelog';

DROP VIEW fb_target;
TRUNCATE fb_staging;
COMMIT;
