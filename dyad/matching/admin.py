from django.contrib import admin

from dyad.matching.models import MatchRound, MatchRun

# Learners' lists and guides' marks are not registered: nobody but their author sees them.


@admin.register(MatchRound)
class MatchRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "kind", "state", "deadline", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "program__name"]
    readonly_fields = ["uuid", "created_by", "created_at", "closed_at", "published_at"]
    exclude = ["learners", "guides", "published_run"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["round", "number", "solver", "filled", "created_by", "created_at"]
    list_filter = ["solver", "filled"]
    readonly_fields = ["uuid", "round", "number", "solver", "filled", "parameters", "stats"]
