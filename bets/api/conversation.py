"""Comments and arguments, votes, follows and the notification inbox."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.plumbing.common import query_params, validated
from bets.claims.selectors import claim_visible_or_404
from bets.common.ids import MAX_ID
from bets.common.markdown import render_markdown
from bets.common.types import SignedInApiRequest
from bets.conversation import comments as services
from bets.conversation import preferences, selectors
from bets.models import Comment, Notification


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    body = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "claim", "parent", "author", "stance", "body", "html", "vote_count",
                  "created_at", "edited_at", "state", "hidden_reason"]

    def get_body(self, c: Comment) -> str:
        return c.body if c.visible else ""

    def get_html(self, c: Comment) -> str:
        """The body rendered to sanitised HTML (safe to insert into a page)."""
        return render_markdown(c.body) if c.visible else ""

    def get_state(self, c: Comment) -> str:
        return "deleted" if c.deleted_at else "hidden" if c.hidden_at else "visible"


# The service's own limit (CRUX_COMMENT_MAX_CHARS), in the schema and in the service's words.
TOO_LONG = "A comment is at most {max_length} characters."


class CommentInput(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=True, allow_blank=True,
                                 max_length=settings.CRUX_COMMENT_MAX_CHARS,
                                 error_messages={"max_length": TOO_LONG})
    stance = serializers.ChoiceField(choices=Comment.Stance.choices, required=False,
                                     allow_blank=True, default="")

    def get_fields(self):
        # "parent" is also a Serializer attribute, so the field is added here.
        fields = super().get_fields()
        fields["parent"] = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=MAX_ID,
            help_text="Reply to this top-level comment.")
        return fields


class CommentEditInput(serializers.Serializer):
    """A PATCH: fields left out keep their value."""

    body = serializers.CharField(trim_whitespace=True, allow_blank=True, required=False,
                                 max_length=settings.CRUX_COMMENT_MAX_CHARS,
                                 error_messages={"max_length": TOO_LONG})
    stance = serializers.ChoiceField(choices=Comment.Stance.choices, required=False,
                                     allow_blank=True)


class HideInput(serializers.Serializer):
    reason = serializers.CharField(max_length=services.HIDE_REASON_MAX, allow_blank=True)


class FollowSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    following = serializers.BooleanField()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "claim", "created_at", "read_at"]


class NotificationQuery(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class ReadInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                required=False, max_length=1000,
                                help_text="Leave out to mark every notification read.")


class ReadResult(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema(tags=["conversation"])
class ClaimCommentsView(generics.ListAPIView):
    """A claim's comments, oldest first (replies carry their parent's id)."""

    serializer_class = CommentSerializer

    def get_queryset(self):
        claim = claim_visible_or_404(claim_id=self.kwargs["pk"], user=self.request.user)
        return selectors.comments_queryset(claim_id=claim.pk).order_by("created_at", "pk")

    @extend_schema(request=CommentInput, responses={201: CommentSerializer})
    def post(self, request: SignedInApiRequest, pk: int):
        """Write a comment, an argument (stance yes/no) or a reply (parent)."""
        if not request.user.is_authenticated:
            return Response({"detail": "Log in to comment."}, status=status.HTTP_401_UNAUTHORIZED)
        data = validated(CommentInput, request.data)
        comment = services.comment_create(
            claim_id=pk, author=request.user, body=data["body"], stance=data.get("stance", ""),
            parent_id=data.get("parent"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["conversation"])
class CommentView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def _comment(self, request: Request, pk: int) -> Comment:
        comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
        claim_visible_or_404(claim_id=comment.claim_id, user=request.user)
        return comment

    @extend_schema(responses=CommentSerializer)
    def get(self, request: Request, pk: int):
        return Response(CommentSerializer(self._comment(request, pk)).data)

    @extend_schema(request=CommentEditInput, responses=CommentSerializer)
    def patch(self, request: SignedInApiRequest, pk: int):
        """Edit one's own comment within 15 minutes of writing it."""
        comment = self._comment(request, pk)
        data = validated(CommentEditInput, request.data)
        comment = services.comment_edit(comment_id=comment.pk, editor=request.user,
                                        body=data.get("body", comment.body),
                                        stance=data.get("stance"))
        return Response(CommentSerializer(comment).data)

    @extend_schema(request=None, responses=CommentSerializer)
    def delete(self, request: SignedInApiRequest, pk: int):
        """Delete one's own comment: the text goes, a placeholder stays."""
        comment = self._comment(request, pk)
        comment = services.comment_delete(comment_id=comment.pk, actor=request.user)
        return Response(CommentSerializer(comment).data)


@extend_schema(tags=["conversation"])
class CommentVoteView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: CommentSerializer})
    def post(self, request: SignedInApiRequest, pk: int):
        """Up-vote a comment (once per participant)."""
        comment = services.comment_vote(comment_id=pk, voter=request.user)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["conversation"])
class CommentHideView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=HideInput, responses=CommentSerializer)
    def post(self, request: SignedInApiRequest, pk: int):
        """Moderators hide a comment, giving the reason."""
        data = validated(HideInput, request.data)
        comment = services.comment_hide(comment_id=pk, moderator=request.user,
                                        reason=data["reason"])
        return Response(CommentSerializer(comment).data)


@extend_schema(tags=["conversation"])
class ClaimFollowView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=FollowSerializer)
    def get(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        following = selectors.claim_is_followed(claim_id=claim.pk, user=request.user)
        return Response({"claim": claim.pk, "following": following})

    @extend_schema(request=None, responses=FollowSerializer)
    def post(self, request: SignedInApiRequest, pk: int):
        """Follow the claim."""
        services.claim_follow_set(claim_id=pk, user=request.user, following=True)
        return Response({"claim": pk, "following": True})

    @extend_schema(request=None, responses=FollowSerializer)
    def delete(self, request: SignedInApiRequest, pk: int):
        """Unfollow the claim (also if you followed it automatically)."""
        services.claim_follow_set(claim_id=pk, user=request.user, following=False)
        return Response({"claim": pk, "following": False})


@extend_schema(tags=["conversation"], parameters=[NotificationQuery])
class NotificationListView(generics.ListAPIView):
    """Your notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    request: SignedInApiRequest

    def get_queryset(self):
        params = query_params(NotificationQuery, self.request)
        return selectors.inbox(user=self.request.user, unread_only=params["unread"])


@extend_schema(tags=["conversation"])
class NotificationReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReadInput, responses=ReadResult)
    def post(self, request: SignedInApiRequest):
        """Mark notifications read (all of them when `ids` is left out)."""
        data = validated(ReadInput, request.data)
        n = preferences.notifications_mark_read(user=request.user, ids=data.get("ids"))
        return Response({"marked": n})
