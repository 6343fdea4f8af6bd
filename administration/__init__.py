"""The pages of the three separated administrators (三员分立): the security administrator's accounts, the system
administrator's status page and the auditor's audit log, with the account services and the `adduser` command.

User administration gives each account a jurisdiction in the organisation tree, so it sits above orgs; accounts
(below orgs) keeps the user, the roles and their capabilities, logging in and the API's authentication."""
