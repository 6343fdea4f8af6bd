from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/<int:profile_id>/", views.profile_edit, name="profile_edit"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/current/", views.campaign_set_current, name="set_current"),
    path("<int:campaign_id>/participations/", views.participation_add, name="participation_add"),
    path("participations/<int:participation_id>/remove/", views.participation_remove, name="participation_remove"),
    path("<int:campaign_id>/teams/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/members/", views.team_member_add, name="team_member_add"),
    path("team-members/<int:membership_id>/remove/", views.team_member_remove, name="team_member_remove"),
    path("<int:campaign_id>/liaison-groups/", views.liaison_group_create, name="liaison_group_create"),
    path("liaison-groups/<int:group_id>/members/", views.liaison_member_add, name="liaison_member_add"),
    path("liaison-members/<int:membership_id>/remove/", views.liaison_member_remove, name="liaison_member_remove"),
    path("liaison-groups/<int:group_id>/units/", views.liaison_assign, name="liaison_assign"),
    path("liaison-units/<int:assignment_id>/remove/", views.liaison_unassign, name="liaison_unassign"),
]
