-- One app's rows as the lines `./manage.py import` reads: one JSON object a row.
-- Set the app first: SET featureboard.tenant = 'acme'; SET featureboard.app = 'web';
SELECT line::text FROM (
    SELECT 0 AS part, app AS ord, fb_compact(jsonb_build_object(
        'kind', 'settings', 'statuses', statuses, 'boards', boards)) AS line
    FROM fb_apps
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 1 AS part, id AS ord, fb_compact(jsonb_build_object(
        'kind', 'request', 'id', id, 'title', title, 'description', description,
        'status', status, 'priority', priority, 'tags', to_jsonb(tags), 'votes', votes,
        'commentCount', comment_count, 'author', fb_person(author_id, author_name, author_email),
        'response', response, 'duplicateOf', duplicate_of, 'statusBeforeMerge', status_before_merge,
        'insights', insights, 'createdAt', fb_ms(created_at), 'updatedAt', fb_ms(updated_at),
        'updatedBy', updated_by, 'version', version, 'board', board, 'moderation', moderation)) AS line
    FROM fb_requests
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 2, request_id || '/' || user_id, fb_compact(jsonb_build_object(
        'kind', CASE WHEN moved THEN 'movedVote' ELSE 'vote' END, 'requestId', request_id,
        'user', fb_person(user_id, user_name, user_email), 'createdAt', fb_ms(created_at),
        'origin', origin, 'movedTo', moved_to, 'createdOnTarget', created_on_target))
    FROM fb_votes
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 3, request_id || '/' || user_id, jsonb_build_object(
        'kind', 'subscription', 'requestId', request_id,
        'user', fb_person(user_id, user_name, user_email))
    FROM fb_subscriptions
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 4, request_id || '/' || id, fb_compact(jsonb_build_object(
        'kind', 'comment', 'requestId', request_id, 'id', id, 'body', body,
        'author', fb_person(author_id, author_name, author_email), 'createdAt', fb_ms(created_at),
        'internal', CASE WHEN internal THEN true END, 'editedAt', fb_ms(edited_at),
        'reactions', CASE WHEN reactions <> '{}' THEN reactions END,
        'moderation', moderation))
    FROM fb_comments
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 4, request_id || '/' || comment_id || '/' || user_id, jsonb_build_object(
        'kind', 'reactions', 'requestId', request_id, 'commentId', comment_id, 'userId', user_id,
        'reactions', to_jsonb(reactions))
    FROM fb_reactions
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 5, id, fb_compact(jsonb_build_object(
        'kind', 'feedback', 'id', id, 'message', message, 'rating', rating, 'feedbackType', type,
        'name', name, 'email', email, 'userId', user_id, 'page', page, 'sentiment', sentiment,
        'extra', extra, 'createdAt', fb_ms(created_at)))
    FROM fb_feedback
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
  UNION ALL
    SELECT 6, id, fb_compact(jsonb_build_object(
        'kind', 'changelog', 'id', id, 'title', title, 'body', body, 'html', html,
        'requestIds', to_jsonb(request_ids), 'completeLinked', complete_linked, 'status', status,
        'createdAt', fb_ms(created_at), 'updatedAt', fb_ms(updated_at),
        'publishedAt', fb_ms(published_at), 'version', version))
    FROM fb_changelog
    WHERE tenant = current_setting('featureboard.tenant') AND app = current_setting('featureboard.app')
) rows
ORDER BY part, ord;
