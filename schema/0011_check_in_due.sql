-- The check-in reminder (check_in_due): the patrol's last activity that a reminder went
-- out for, so that each stretch between two check-ins gets one reminder, and a restarted
-- server sends none twice. NULL: none yet.
ALTER TABLE patrols ADD COLUMN due_notice_for_ms INTEGER;
