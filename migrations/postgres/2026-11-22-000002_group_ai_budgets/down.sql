DROP TABLE group_ai_budgets;
